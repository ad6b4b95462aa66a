-- AI delivery pipeline, PostgreSQL side (seed 000 section 5 and its data flow). Projects,
-- requirements, PRDs and tech designs are MongoDB documents; API specs need a strong
-- schema and live here, linked to their MongoDB tech design by `design_id` (a foreign key
-- across stores cannot exist: the application checks it on write and `braid reconcile`
-- verifies it afterwards).

create table api_specs (
    id                uuid primary key,
    design_id         uuid not null,
    project_id        uuid not null,
    -- The project's owner, copied from the design: ownership of a project never changes.
    owner_id          uuid not null references users (id) on delete cascade,
    title             text not null,
    openapi_version   text not null,
    openapi_spec      jsonb not null,
    validation_errors jsonb not null default '[]',
    github_url        varchar(255),
    last_sync         timestamptz,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    constraint api_specs_is_openapi check (jsonb_typeof(openapi_spec) = 'object' and openapi_spec ? 'openapi'),
    constraint api_specs_openapi_version_format check (openapi_version ~ '^3\.[01]\.[0-9]+'),
    constraint api_specs_title_length check (char_length(title) between 1 and 255),
    constraint api_specs_validation_errors_array check (jsonb_typeof(validation_errors) = 'array'),
    constraint api_specs_github_url_format check (github_url ~ '^https://github\.com/[^/]+/[^/]+'),
    constraint api_specs_size check (pg_column_size(openapi_spec) <= 1048576)
);
create index idx_spec_design on api_specs (design_id, created_at);
create index idx_spec_github on api_specs (github_url);
create index idx_spec_validation on api_specs ((openapi_spec ->> 'openapi'));
create index api_specs_owner_idx on api_specs (owner_id);
create trigger api_specs_set_updated_at before update on api_specs
    for each row execute function set_updated_at();

-- Seed 000's "on failure, degrade to a PostgreSQL log": AI analyses that could not be
-- recorded in MongoDB (the store failed, or the AI worker reported a failed analysis),
-- kept with their payload so nothing the AI produced is lost.
create table ai_analysis_failures (
    id             uuid primary key,
    requirement_id uuid not null,
    project_id     uuid,
    reported_by    uuid references users (id) on delete set null,
    stage          text not null,
    reason         text not null,
    payload        jsonb,
    created_at     timestamptz not null default now(),
    resolved_at    timestamptz,
    constraint ai_analysis_failures_stage_check check (stage in ('ai_analysis', 'store_write')),
    constraint ai_analysis_failures_reason_length check (char_length(reason) between 1 and 2000)
);
create index ai_analysis_failures_requirement_idx on ai_analysis_failures (requirement_id, created_at desc);
create index ai_analysis_failures_unresolved_idx on ai_analysis_failures (created_at) where resolved_at is null;
