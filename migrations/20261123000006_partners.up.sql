-- Partners reach braid through persisted documents only, with API keys of their own.

create table partners (
    id         uuid primary key,
    name       text not null,
    created_at timestamptz not null default now(),
    constraint partners_name_key unique (name),
    constraint partners_name_format check (name ~ '^[a-z0-9][a-z0-9_-]{1,49}$')
);

create table partner_api_keys (
    id           uuid primary key,
    partner_id   uuid not null references partners (id) on delete cascade,
    -- SHA-256 of the key; the key itself is shown once, at creation.
    key_hash     bytea not null,
    key_prefix   text not null,
    scopes       text[] not null default '{}',
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz not null default now(),
    constraint partner_api_keys_key_hash_key unique (key_hash),
    constraint partner_api_keys_key_hash_length check (octet_length(key_hash) = 32)
);
create index partner_api_keys_partner_id_idx on partner_api_keys (partner_id);

-- A partner's allow-list, published from an Apollo persisted-query manifest.
create table partner_documents (
    partner_id     uuid not null references partners (id) on delete cascade,
    document_id    text not null,
    name           text not null,
    operation_type text not null,
    body           text not null,
    published_at   timestamptz not null default now(),
    primary key (partner_id, document_id),
    constraint partner_documents_type_check check (operation_type in ('query', 'mutation', 'subscription')),
    constraint partner_documents_id_format check (document_id ~ '^[0-9a-f]{64}$')
);
