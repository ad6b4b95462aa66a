-- Conversations, participants, messages and notifications (seed 003 section 5).
-- Seed defect fixed: a primary key cannot contain COALESCE, so participants get a
-- surrogate key and a partial unique index each for user and twin participants.

create table conversations (
    id              uuid primary key,
    kind            text not null,
    title           text,
    owner_id        uuid references users (id) on delete set null,
    -- Direct: "<smaller user id>:<larger user id>"; twin: "<twin id>:<user id>"; unique,
    -- so asking again for the same pair finds the existing conversation.
    pair_key        text,
    last_message_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint conversations_kind_check check (kind in ('direct', 'twin', 'group')),
    constraint conversations_pair_key_key unique (pair_key),
    constraint conversations_pair_key_matches_kind check ((kind = 'group') = (pair_key is null)),
    constraint conversations_title_length check (char_length(title) between 1 and 200)
);
create trigger conversations_set_updated_at before update on conversations
    for each row execute function set_updated_at();

create table conversation_participants (
    id              uuid primary key,
    conversation_id uuid not null references conversations (id) on delete cascade,
    user_id         uuid references users (id) on delete cascade,
    twin_id         uuid references digital_twins (id) on delete cascade,
    role            text not null default 'member',
    joined_at       timestamptz not null default now(),
    last_read_at    timestamptz,
    constraint conversation_participants_role_check check (role in ('owner', 'member')),
    constraint conversation_participants_user_or_twin check ((user_id is null) <> (twin_id is null))
);
create unique index conversation_participants_user_key on conversation_participants (conversation_id, user_id)
    where user_id is not null;
create unique index conversation_participants_twin_key on conversation_participants (conversation_id, twin_id)
    where twin_id is not null;
create index conversation_participants_user_id_idx on conversation_participants (user_id);
create index conversation_participants_twin_id_idx on conversation_participants (twin_id);

create table messages (
    id              uuid primary key,
    conversation_id uuid not null references conversations (id) on delete cascade,
    sender_user_id  uuid references users (id) on delete set null,
    sender_twin_id  uuid references digital_twins (id) on delete set null,
    content         text not null,
    message_type    text not null default 'text',
    metadata        jsonb not null default '{}',
    created_at      timestamptz not null default now(),
    -- At most one sender: system messages have none, and a deleted sender leaves none.
    constraint messages_one_sender check (not (sender_user_id is not null and sender_twin_id is not null)),
    constraint messages_type_check check (message_type in ('text', 'image', 'file', 'system')),
    constraint messages_content_length check (char_length(content) between 1 and 10000)
);
create index messages_conversation_created_idx on messages (conversation_id, created_at desc, id desc);
create index messages_sender_user_id_idx on messages (sender_user_id);
create index messages_sender_twin_id_idx on messages (sender_twin_id);

create table notifications (
    id           uuid primary key,
    recipient_id uuid not null references users (id) on delete cascade,
    type         text not null,
    title        text not null,
    content      text not null,
    action_url   text,
    is_read      boolean not null default false,
    created_at   timestamptz not null default now(),
    constraint notifications_type_length check (char_length(type) between 1 and 50),
    constraint notifications_title_length check (char_length(title) between 1 and 255)
);
create index notifications_recipient_created_idx on notifications (recipient_id, created_at desc, id desc);
create index notifications_unread_idx on notifications (recipient_id) where not is_read;
