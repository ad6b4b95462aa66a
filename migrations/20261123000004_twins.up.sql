-- Digital twins (seed 003 sections 2.2, 2.3, 6.2, 6.3). The seed's `configuration` JSONB
-- moves to the MongoDB `twin_configs` collection (versioned documents).

create table digital_twins (
    id              uuid primary key,
    user_id         uuid not null references users (id) on delete cascade,
    name            text not null,
    description     text,
    avatar_url      text,
    status          text not null default 'initializing',
    last_trained_at timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint digital_twins_name_length check (char_length(name) between 1 and 100),
    constraint digital_twins_description_length check (char_length(description) <= 2000),
    constraint digital_twins_avatar_url_format check (avatar_url ~ '^https?://'),
    constraint digital_twins_status_check check (status in ('initializing', 'training', 'active', 'paused', 'error'))
);
create index digital_twins_user_id_idx on digital_twins (user_id, created_at desc);
create index digital_twins_status_idx on digital_twins (status);
create trigger digital_twins_set_updated_at before update on digital_twins
    for each row execute function set_updated_at();

create table twin_data_sources (
    id            uuid primary key,
    twin_id       uuid not null references digital_twins (id) on delete cascade,
    source_type   text not null,
    name          text not null,
    content_text  text,
    content_url   text,
    content_path  text,
    metadata      jsonb not null default '{}',
    status        text not null default 'pending',
    error_message text,
    processed_at  timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint twin_data_sources_type_check check (source_type in ('text', 'url', 'file')),
    constraint twin_data_sources_name_length check (char_length(name) between 1 and 255),
    constraint twin_data_sources_status_check check (status in ('pending', 'processing', 'processed', 'failed')),
    -- Each kind carries exactly its own content.
    constraint twin_data_sources_content_matches_type check (
        (source_type = 'text' and content_text is not null and content_url is null and content_path is null)
        or (source_type = 'url' and content_url ~ '^https?://' and content_text is null and content_path is null)
        or (source_type = 'file' and content_path is not null and content_text is null and content_url is null)),
    constraint twin_data_sources_text_length check (char_length(content_text) <= 100000)
);
create index twin_data_sources_twin_id_idx on twin_data_sources (twin_id);
create index twin_data_sources_status_idx on twin_data_sources (status);
create trigger twin_data_sources_set_updated_at before update on twin_data_sources
    for each row execute function set_updated_at();

create table twin_training_jobs (
    id              uuid primary key,
    twin_id         uuid not null references digital_twins (id) on delete cascade,
    status          text not null default 'queued',
    progress        smallint not null default 0,
    error_message   text,
    training_params jsonb not null default '{}',
    started_at      timestamptz,
    completed_at    timestamptz,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint twin_training_jobs_status_check check (status in ('queued', 'processing', 'completed', 'failed')),
    constraint twin_training_jobs_progress_range check (progress between 0 and 100),
    constraint twin_training_jobs_completed_after_start check (completed_at >= started_at)
);
create index twin_training_jobs_twin_id_idx on twin_training_jobs (twin_id, created_at desc);
create index twin_training_jobs_status_idx on twin_training_jobs (status);
-- At most one queued or running job per twin.
create unique index twin_training_jobs_one_running on twin_training_jobs (twin_id)
    where status in ('queued', 'processing');
create trigger twin_training_jobs_set_updated_at before update on twin_training_jobs
    for each row execute function set_updated_at();

create table twin_model_versions (
    id                  uuid primary key,
    twin_id             uuid not null references digital_twins (id) on delete cascade,
    version             integer not null,
    model_path          text not null,
    is_active           boolean not null default false,
    training_job_id     uuid references twin_training_jobs (id) on delete set null,
    performance_metrics jsonb not null default '{}',
    created_at          timestamptz not null default now(),
    constraint twin_model_versions_twin_version_key unique (twin_id, version),
    constraint twin_model_versions_version_positive check (version > 0)
);
create index twin_model_versions_twin_id_idx on twin_model_versions (twin_id, version desc);
-- At most one active version per twin.
create unique index twin_model_versions_one_active on twin_model_versions (twin_id) where is_active;
