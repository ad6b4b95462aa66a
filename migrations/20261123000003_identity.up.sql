-- Identity and people (seed 003 sections 1 and 2, without the digital twins).
-- Seed defects fixed: sessions keep a hash of the token, never the token; OAuth tokens
-- are stored encrypted; usernames and emails are unique case-insensitively (citext);
-- dates and ranges are checked; updated_at is kept by a trigger.

create table users (
    id                  uuid primary key,
    username            citext not null,
    email               citext not null,
    phone_number        text,
    password_hash       text,
    role                text not null,
    is_admin            boolean not null default false,
    avatar_url          text,
    registration_source text not null default 'direct',
    is_verified         boolean not null default false,
    is_active           boolean not null default true,
    last_login_at       timestamptz,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint users_username_key unique (username),
    constraint users_email_key unique (email),
    constraint users_role_check check (role in ('individual', 'employer', 'expert')),
    constraint users_username_format check (username ~ '^[A-Za-z0-9_.-]{3,50}$'),
    constraint users_email_format check (char_length(email) <= 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    constraint users_phone_format check (phone_number ~ '^\+?[0-9 ()-]{6,20}$'),
    constraint users_avatar_url_format check (avatar_url ~ '^https?://' and char_length(avatar_url) <= 2048),
    constraint users_registration_source_check check (registration_source in ('direct', 'oauth', 'seed', 'admin'))
);
create index users_role_idx on users (role);
create index users_created_at_id_idx on users (created_at desc, id desc);
create trigger users_set_updated_at before update on users
    for each row execute function set_updated_at();

create table oauth_accounts (
    id                      uuid primary key,
    user_id                 uuid not null references users (id) on delete cascade,
    provider                text not null,
    provider_user_id        text not null,
    -- XChaCha20-Poly1305 (nonce || ciphertext) under the key from BRAID_ENCRYPTION_KEY.
    access_token_encrypted  bytea,
    refresh_token_encrypted bytea,
    expires_at              timestamptz,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    constraint oauth_accounts_provider_account_key unique (provider, provider_user_id),
    constraint oauth_accounts_user_provider_key unique (user_id, provider),
    constraint oauth_accounts_provider_format check (provider ~ '^[a-z0-9_-]{2,30}$'),
    constraint oauth_accounts_provider_user_id_length check (char_length(provider_user_id) between 1 and 255)
);
create index oauth_accounts_user_id_idx on oauth_accounts (user_id);
create trigger oauth_accounts_set_updated_at before update on oauth_accounts
    for each row execute function set_updated_at();

-- One row per user, created with the user. Preferences are JSON documents read through
-- typed structs with defaults; the profile visibility is a column because listings filter on it.
create table user_settings (
    user_id                  uuid primary key references users (id) on delete cascade,
    profile_visibility       text not null default 'public',
    notification_preferences jsonb not null default '{}',
    privacy_settings         jsonb not null default '{}',
    ui_preferences           jsonb not null default '{}',
    ai_settings              jsonb not null default '{"confidence_threshold": 0.7}',
    created_at               timestamptz not null default now(),
    updated_at               timestamptz not null default now(),
    constraint user_settings_profile_visibility_check check (profile_visibility in ('public', 'members', 'private')),
    constraint user_settings_documents_are_objects check (
        jsonb_typeof(notification_preferences) = 'object' and jsonb_typeof(privacy_settings) = 'object'
        and jsonb_typeof(ui_preferences) = 'object' and jsonb_typeof(ai_settings) = 'object')
);
create trigger user_settings_set_updated_at before update on user_settings
    for each row execute function set_updated_at();

create table sessions (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    token_hash       bytea not null,
    ip_address       inet,
    user_agent       text,
    expires_at       timestamptz not null,
    created_at       timestamptz not null default now(),
    last_activity_at timestamptz not null default now(),
    constraint sessions_token_hash_key unique (token_hash),
    constraint sessions_token_hash_length check (octet_length(token_hash) = 32),
    constraint sessions_expiry_after_creation check (expires_at > created_at),
    constraint sessions_user_agent_length check (char_length(user_agent) <= 512)
);
create index sessions_user_id_idx on sessions (user_id);
create index sessions_expires_at_idx on sessions (expires_at);

create table individual_profiles (
    user_id          uuid primary key references users (id) on delete cascade,
    first_name       text,
    last_name        text,
    headline         text,
    summary          text,
    location         text,
    birth_date       date,
    education_level  text,
    years_experience integer,
    current_position text,
    current_company  text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint individual_profiles_name_length check (char_length(first_name) <= 50 and char_length(last_name) <= 50),
    constraint individual_profiles_headline_length check (char_length(headline) <= 255),
    constraint individual_profiles_summary_length check (char_length(summary) <= 5000),
    constraint individual_profiles_location_length check (char_length(location) <= 255),
    constraint individual_profiles_birth_date_range check (birth_date >= date '1900-01-01'),
    constraint individual_profiles_education_level_check check (
        education_level in ('high_school', 'associate', 'bachelor', 'master', 'doctorate', 'other')),
    constraint individual_profiles_years_experience_range check (years_experience between 0 and 80),
    constraint individual_profiles_position_length check (char_length(current_position) <= 255 and char_length(current_company) <= 255)
);
create index individual_profiles_location_idx on individual_profiles (lower(location));
create trigger individual_profiles_set_updated_at before update on individual_profiles
    for each row execute function set_updated_at();

create table skills (
    id          uuid primary key,
    name        citext not null,
    category    text,
    description text,
    created_at  timestamptz not null default now(),
    constraint skills_name_key unique (name),
    constraint skills_name_length check (char_length(name) between 1 and 100),
    constraint skills_category_check check (category in (
        'programming_language', 'framework', 'database', 'cloud', 'data_ml', 'design', 'practice', 'soft_skill', 'other'))
);
create index skills_category_idx on skills (category);

create table user_skills (
    user_id           uuid not null references users (id) on delete cascade,
    skill_id          uuid not null references skills (id) on delete cascade,
    proficiency_level smallint not null,
    years_experience  numeric(4, 1),
    is_highlighted    boolean not null default false,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    primary key (user_id, skill_id),
    constraint user_skills_proficiency_range check (proficiency_level between 1 and 5),
    constraint user_skills_years_range check (years_experience between 0 and 80)
);
create index user_skills_skill_id_idx on user_skills (skill_id);
create trigger user_skills_set_updated_at before update on user_skills
    for each row execute function set_updated_at();

-- Experiences, portfolio projects and educations share one period rule: an end is on or
-- after the start, and a current one has no end (an experience without an end is current).
create table experiences (
    id          uuid primary key,
    user_id     uuid not null references users (id) on delete cascade,
    title       text not null,
    company     text not null,
    location    text,
    description text,
    start_date  date not null,
    end_date    date,
    is_current  boolean not null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint experiences_title_length check (char_length(title) between 1 and 100 and char_length(company) between 1 and 100),
    constraint experiences_period check (end_date >= start_date),
    constraint experiences_current_has_no_end check ((end_date is null) = is_current)
);
create index experiences_user_id_idx on experiences (user_id, start_date desc);
create trigger experiences_set_updated_at before update on experiences
    for each row execute function set_updated_at();

-- Seed table `projects`: a person's portfolio (GraphQL `PortfolioProject`).
create table projects (
    id           uuid primary key,
    user_id      uuid not null references users (id) on delete cascade,
    title        text not null,
    description  text,
    url          text,
    technologies text[] not null default '{}',
    start_date   date,
    end_date     date,
    is_current   boolean not null default false,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint projects_title_length check (char_length(title) between 1 and 100),
    constraint projects_url_format check (url ~ '^https?://' and char_length(url) <= 2048),
    constraint projects_period check (end_date >= start_date),
    constraint projects_current_has_no_end check (not (is_current and end_date is not null))
);
create index projects_user_id_idx on projects (user_id, start_date desc nulls last);
create trigger projects_set_updated_at before update on projects
    for each row execute function set_updated_at();

create table educations (
    id             uuid primary key,
    user_id        uuid not null references users (id) on delete cascade,
    institution    text not null,
    degree         text,
    field_of_study text,
    grade          text,
    description    text,
    start_date     date,
    end_date       date,
    is_current     boolean not null default false,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    constraint educations_institution_length check (char_length(institution) between 1 and 100),
    constraint educations_grade_length check (char_length(grade) <= 20),
    constraint educations_period check (end_date >= start_date),
    constraint educations_current_has_no_end check (not (is_current and end_date is not null))
);
create index educations_user_id_idx on educations (user_id, start_date desc nulls last);
create trigger educations_set_updated_at before update on educations
    for each row execute function set_updated_at();
