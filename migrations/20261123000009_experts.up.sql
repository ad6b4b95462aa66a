-- Experts (seed 003 section 4): expert profiles, knowledge bases with their contents and
-- tags, paid services and their bookings.
-- Seed defects fixed: a booking ends after it starts, and no two live (not canceled)
-- bookings of one service overlap (an exclusion constraint over btree_gist); a service's
-- price agrees with its pricing model; status columns change only along their machines
-- (enforce_transition, from the hiring migration); knowledge bases and services hang off
-- the expert profile, so only experts with a profile own them.

create table expert_profiles (
    user_id           uuid primary key references users (id) on delete cascade,
    title             text,
    bio               text,
    expertise_summary text,
    years_experience  integer,
    organization      text,
    position          text,
    education         text,
    certifications    text,
    website_url       text,
    visibility        text not null default 'public',
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint expert_profiles_visibility_check check (visibility in ('public', 'limited', 'private')),
    constraint expert_profiles_title_length check (char_length(title) between 1 and 100),
    constraint expert_profiles_bio_length check (char_length(bio) <= 5000),
    constraint expert_profiles_expertise_summary_length check (char_length(expertise_summary) <= 2000),
    constraint expert_profiles_years_experience_range check (years_experience between 0 and 80),
    constraint expert_profiles_organization_length check (char_length(organization) <= 255),
    constraint expert_profiles_position_length check (char_length(position) <= 255),
    constraint expert_profiles_education_length check (char_length(education) <= 2000),
    constraint expert_profiles_certifications_length check (char_length(certifications) <= 2000),
    constraint expert_profiles_website_url_format check (website_url ~ '^https?://[^[:space:]]+$' and char_length(website_url) <= 2048)
);
create index expert_profiles_created_at_idx on expert_profiles (created_at desc, user_id desc);
create index expert_profiles_visibility_idx on expert_profiles (visibility);
create trigger expert_profiles_set_updated_at before update on expert_profiles
    for each row execute function set_updated_at();

create table expert_knowledge_bases (
    id          uuid primary key,
    expert_id   uuid not null references expert_profiles (user_id) on delete cascade,
    name        text not null,
    description text,
    is_public   boolean not null default true,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint expert_knowledge_bases_name_length check (char_length(name) between 1 and 100),
    constraint expert_knowledge_bases_description_length check (char_length(description) <= 2000)
);
create index expert_knowledge_bases_expert_id_idx on expert_knowledge_bases (expert_id, created_at desc);
create trigger expert_knowledge_bases_set_updated_at before update on expert_knowledge_bases
    for each row execute function set_updated_at();

create table knowledge_contents (
    id                uuid primary key,
    knowledge_base_id uuid not null references expert_knowledge_bases (id) on delete cascade,
    title             text not null,
    content_type      text not null,
    file_url          text,
    content           text,
    description       text,
    -- 'processing' and 'failed' belong to the vector-indexing worker; until it exists,
    -- contents are created active and their owner archives and restores them.
    status            text not null default 'processing',
    is_featured       boolean not null default false,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint knowledge_contents_status_check check (status in ('processing', 'active', 'archived', 'failed')),
    constraint knowledge_contents_content_type_check check (content_type in ('article', 'document', 'video', 'audio', 'link', 'faq')),
    constraint knowledge_contents_title_length check (char_length(title) between 1 and 255),
    constraint knowledge_contents_content_length check (char_length(content) between 1 and 100000),
    constraint knowledge_contents_description_length check (char_length(description) <= 2000),
    constraint knowledge_contents_file_url_format check (file_url ~ '^https?://[^[:space:]]+$' and char_length(file_url) <= 2048),
    constraint knowledge_contents_has_body check (content is not null or file_url is not null)
);
create index knowledge_contents_kb_created_idx on knowledge_contents (knowledge_base_id, created_at desc, id desc);
create index knowledge_contents_content_type_idx on knowledge_contents (content_type);
create trigger knowledge_contents_set_updated_at before update on knowledge_contents
    for each row execute function set_updated_at();
create trigger knowledge_contents_status_transition before update of status on knowledge_contents
    for each row execute function enforce_transition('status',
        'processing:active', 'processing:failed', 'failed:processing', 'active:archived', 'archived:active');

create table content_tags (
    content_id uuid not null references knowledge_contents (id) on delete cascade,
    tag        text not null,
    primary key (content_id, tag),
    constraint content_tags_tag_format check (char_length(tag) between 1 and 50 and tag = lower(btrim(tag)))
);
create index content_tags_tag_idx on content_tags (tag);

create table expert_services (
    id            uuid primary key,
    expert_id     uuid not null references expert_profiles (user_id) on delete cascade,
    title         text not null,
    description   text,
    service_type  text not null,
    pricing_model text not null,
    price         numeric(12, 2),
    currency      text,
    availability  jsonb not null default '{}',
    status        text not null default 'active',
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint expert_services_service_type_check check (service_type in ('qa', 'consultation', 'project')),
    constraint expert_services_pricing_model_check check (pricing_model in ('free', 'per_question', 'hourly', 'subscription')),
    constraint expert_services_status_check check (status in ('active', 'inactive', 'draft')),
    constraint expert_services_title_length check (char_length(title) between 1 and 100),
    constraint expert_services_description_length check (char_length(description) <= 5000),
    constraint expert_services_price_matches_model check (
        (pricing_model = 'free' and price is null and currency is null)
        or (pricing_model <> 'free' and price is not null and currency is not null
            and price > 0 and price <= 1000000 and currency ~ '^[A-Z]{3}$')),
    constraint expert_services_availability_object check (jsonb_typeof(availability) = 'object')
);
create index expert_services_expert_id_idx on expert_services (expert_id, created_at desc);
create index expert_services_listing_idx on expert_services (created_at desc, id desc) where status = 'active';
create index expert_services_service_type_idx on expert_services (service_type);
create trigger expert_services_set_updated_at before update on expert_services
    for each row execute function set_updated_at();
create trigger expert_services_status_transition before update of status on expert_services
    for each row execute function enforce_transition('status',
        'draft:active', 'draft:inactive', 'active:inactive', 'inactive:active');

create table service_bookings (
    id               uuid primary key,
    service_id       uuid not null references expert_services (id) on delete cascade,
    client_id        uuid not null references users (id) on delete cascade,
    title            text not null,
    description      text,
    start_time       timestamptz not null,
    end_time         timestamptz not null,
    status           text not null default 'scheduled',
    payment_status   text not null default 'pending',
    -- Computed from the service when booked: 0 with no currency for free services.
    payment_amount   numeric(12, 2) not null,
    payment_currency text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint service_bookings_status_check check (status in ('scheduled', 'completed', 'canceled')),
    constraint service_bookings_payment_status_check check (payment_status in ('pending', 'paid', 'refunded')),
    constraint service_bookings_title_length check (char_length(title) between 1 and 255),
    constraint service_bookings_description_length check (char_length(description) <= 5000),
    constraint service_bookings_time_order check (end_time > start_time),
    constraint service_bookings_payment_matches check (
        (payment_amount = 0 and payment_currency is null)
        or (payment_amount > 0 and payment_currency is not null and payment_currency ~ '^[A-Z]{3}$')),
    -- Canceling a paid booking refunds it; only canceled bookings are refunded.
    constraint service_bookings_canceled_not_paid check (status <> 'canceled' or payment_status <> 'paid'),
    constraint service_bookings_refunded_only_canceled check (payment_status <> 'refunded' or status = 'canceled'),
    constraint service_bookings_no_overlap exclude using gist (
        service_id with =,
        tstzrange(start_time, end_time) with &&
    ) where (status <> 'canceled')
);
create index service_bookings_service_start_idx on service_bookings (service_id, start_time desc, id desc);
create index service_bookings_client_start_idx on service_bookings (client_id, start_time desc, id desc);
create index service_bookings_start_time_idx on service_bookings (start_time);
create trigger service_bookings_set_updated_at before update on service_bookings
    for each row execute function set_updated_at();
create trigger service_bookings_status_transition before update of status on service_bookings
    for each row execute function enforce_transition('status', 'scheduled:completed', 'scheduled:canceled');
create trigger service_bookings_payment_status_transition before update of payment_status on service_bookings
    for each row execute function enforce_transition('payment_status', 'pending:paid', 'paid:refunded');
