-- Hiring (seed 003 section 3): organizations, members, jobs, applications, interviews.

-- Refuses a status change that is not one of the allowed `from:to` pairs given as the
-- trigger's arguments after the column name, e.g.
--   create trigger jobs_status_transition before update of status on jobs for each row
--   execute function enforce_transition('status', 'draft:published', 'published:closed');
-- The error is a check violation named `<table>_<column>_transition`, which resolvers
-- map to CONFLICT like any other constraint.
create function enforce_transition() returns trigger
language plpgsql as $$
declare
    column_name text := tg_argv[0];
    old_value text := to_jsonb(old) ->> column_name;
    new_value text := to_jsonb(new) ->> column_name;
begin
    if old_value is distinct from new_value
       and not (old_value || ':' || new_value = any (tg_argv[1:])) then
        raise exception '% of % cannot change from % to %', column_name, tg_table_name, old_value, new_value
            using errcode = 'check_violation',
                  constraint = tg_table_name || '_' || column_name || '_transition',
                  table = tg_table_name;
    end if;
    return new;
end;
$$;

create table employer_organizations (
    id           uuid primary key,
    name         text not null,
    description  text,
    industry     text,
    company_size text,
    founded_year integer,
    website_url  text,
    logo_url     text,
    location     text,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint employer_organizations_name_length check (char_length(name) between 1 and 100),
    constraint employer_organizations_description_length check (char_length(description) <= 5000),
    constraint employer_organizations_industry_length check (char_length(industry) <= 100),
    constraint employer_organizations_company_size_check check (
        company_size in ('1-10', '11-50', '51-200', '201-1000', '1001-5000', '5000+')),
    constraint employer_organizations_founded_year_range check (founded_year between 1800 and 2100),
    constraint employer_organizations_urls_format check (website_url ~ '^https?://' and logo_url ~ '^https?://'),
    constraint employer_organizations_location_length check (char_length(location) <= 255)
);
create index employer_organizations_name_idx on employer_organizations (lower(name));
create trigger employer_organizations_set_updated_at before update on employer_organizations
    for each row execute function set_updated_at();

create table employer_members (
    organization_id uuid not null references employer_organizations (id) on delete cascade,
    user_id         uuid not null references users (id) on delete cascade,
    role            text not null default 'member',
    title           text,
    department      text,
    joined_at       timestamptz not null default now(),
    primary key (organization_id, user_id),
    constraint employer_members_role_check check (role in ('owner', 'admin', 'member')),
    constraint employer_members_title_length check (char_length(title) <= 100 and char_length(department) <= 100)
);
create index employer_members_user_id_idx on employer_members (user_id);

-- An organization always keeps an owner: removing or demoting the last one fails unless
-- the organization itself is being deleted. The organization row is locked first so two
-- owners leaving at once cannot both pass the check.
create function employer_members_keep_an_owner() returns trigger
language plpgsql as $$
begin
    if old.role <> 'owner' or (tg_op = 'UPDATE' and new.role = 'owner') then
        return null;
    end if;
    perform 1 from employer_organizations where id = old.organization_id for update;
    if found and not exists (
        select 1 from employer_members
        where organization_id = old.organization_id and role = 'owner'
    ) then
        raise exception 'organization % would have no owner', old.organization_id
            using errcode = 'check_violation',
                  constraint = 'employer_members_last_owner',
                  table = 'employer_members';
    end if;
    return null;
end;
$$;
create trigger employer_members_keep_an_owner after update of role or delete on employer_members
    for each row execute function employer_members_keep_an_owner();

create table jobs (
    id                   uuid primary key,
    organization_id      uuid not null references employer_organizations (id) on delete cascade,
    created_by           uuid not null references users (id),
    title                text not null,
    description          text not null,
    requirements         text,
    responsibilities     text,
    location             text,
    remote_type          text not null default 'on_site',
    employment_type      text not null,
    experience_level     text not null,
    salary_min           numeric(12, 2),
    salary_max           numeric(12, 2),
    salary_currency      text,
    application_deadline date,
    status               text not null default 'draft',
    published_at         timestamptz,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    search               tsvector generated always as (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', coalesce(requirements, '')), 'B')
        || setweight(to_tsvector('english', description), 'C')) stored,
    constraint jobs_title_length check (char_length(title) between 1 and 100),
    constraint jobs_description_length check (char_length(description) between 1 and 20000),
    constraint jobs_requirements_length check (char_length(requirements) <= 20000 and char_length(responsibilities) <= 20000),
    constraint jobs_location_length check (char_length(location) <= 255),
    constraint jobs_remote_type_check check (remote_type in ('on_site', 'remote', 'hybrid')),
    constraint jobs_employment_type_check check (employment_type in ('full_time', 'part_time', 'contract', 'internship')),
    constraint jobs_experience_level_check check (experience_level in ('entry', 'mid', 'senior', 'executive')),
    constraint jobs_salary_positive check (salary_min >= 0 and salary_max >= 0),
    constraint jobs_salary_range check (salary_min <= salary_max),
    constraint jobs_salary_currency_format check (salary_currency ~ '^[A-Z]{3}$'),
    constraint jobs_salary_has_currency check (
        salary_currency is not null or (salary_min is null and salary_max is null)),
    constraint jobs_status_check check (status in ('draft', 'published', 'closed')),
    constraint jobs_published_at_matches_status check ((status = 'draft') = (published_at is null))
);
create index jobs_organization_id_idx on jobs (organization_id, created_at desc);
create index jobs_published_idx on jobs (published_at desc, id desc) where status = 'published';
create index jobs_experience_level_idx on jobs (experience_level);
create index jobs_employment_type_idx on jobs (employment_type);
create index jobs_search_idx on jobs using gin (search);
create trigger jobs_set_updated_at before update on jobs
    for each row execute function set_updated_at();
create trigger jobs_status_transition before update of status on jobs
    for each row execute function enforce_transition('status', 'draft:published', 'published:closed');

create table job_skills (
    job_id      uuid not null references jobs (id) on delete cascade,
    skill_id    uuid not null references skills (id) on delete cascade,
    is_required boolean not null default true,
    importance  smallint,
    created_at  timestamptz not null default now(),
    primary key (job_id, skill_id),
    constraint job_skills_importance_range check (importance between 1 and 5)
);
create index job_skills_skill_id_idx on job_skills (skill_id);

-- `withdrawn` is braid's addition to the seed: the applicant's own way out.
create table job_applications (
    id           uuid primary key,
    job_id       uuid not null references jobs (id) on delete cascade,
    applicant_id uuid not null references users (id) on delete cascade,
    cover_letter text,
    resume_url   text,
    twin_enabled boolean not null default false,
    status       text not null default 'applied',
    match_score  integer,
    applied_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    constraint job_applications_one_per_applicant unique (job_id, applicant_id),
    constraint job_applications_cover_letter_length check (char_length(cover_letter) <= 10000),
    constraint job_applications_resume_url_format check (resume_url ~ '^https?://'),
    constraint job_applications_status_check check (
        status in ('applied', 'reviewing', 'interviewed', 'offered', 'accepted', 'rejected', 'withdrawn')),
    constraint job_applications_match_score_range check (match_score between 0 and 100)
);
create index job_applications_job_id_idx on job_applications (job_id, applied_at desc, id desc);
create index job_applications_applicant_id_idx on job_applications (applicant_id, applied_at desc, id desc);
create index job_applications_status_idx on job_applications (status);
create trigger job_applications_set_updated_at before update on job_applications
    for each row execute function set_updated_at();
create trigger job_applications_status_transition before update of status on job_applications
    for each row execute function enforce_transition('status',
        'applied:reviewing', 'reviewing:interviewed', 'interviewed:offered', 'offered:accepted',
        'applied:rejected', 'reviewing:rejected', 'interviewed:rejected', 'offered:rejected',
        'applied:withdrawn', 'reviewing:withdrawn', 'interviewed:withdrawn', 'offered:withdrawn');

-- Applications reach only published jobs whose deadline has not passed. The job row is
-- share-locked so closing a job and applying to it cannot interleave.
create function job_applications_job_open() returns trigger
language plpgsql as $$
declare
    job record;
begin
    select status, application_deadline into job from jobs where id = new.job_id for share;
    if job.status is distinct from 'published'
       or job.application_deadline < current_date then
        raise exception 'job % takes no applications', new.job_id
            using errcode = 'check_violation',
                  constraint = 'job_applications_job_open',
                  table = 'job_applications';
    end if;
    return new;
end;
$$;
create trigger job_applications_job_open before insert on job_applications
    for each row execute function job_applications_job_open();

create table interviews (
    id               uuid primary key,
    application_id   uuid not null references job_applications (id) on delete cascade,
    interviewer_id   uuid references users (id) on delete set null,
    title            text not null,
    description      text,
    interview_type   text not null,
    location         text,
    is_virtual       boolean not null default false,
    meeting_link     text,
    scheduled_at     timestamptz not null,
    duration_minutes integer not null,
    status           text not null default 'scheduled',
    feedback         text,
    rating           smallint,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    constraint interviews_title_length check (char_length(title) between 1 and 100),
    constraint interviews_description_length check (char_length(description) <= 5000),
    constraint interviews_type_check check (interview_type in ('screening', 'technical', 'behavioral', 'final')),
    constraint interviews_meeting_link_format check (meeting_link ~ '^https?://'),
    constraint interviews_duration_range check (duration_minutes between 5 and 480),
    constraint interviews_status_check check (status in ('scheduled', 'rescheduled', 'completed', 'canceled')),
    constraint interviews_feedback_length check (char_length(feedback) <= 10000),
    constraint interviews_rating_range check (rating between 1 and 5),
    constraint interviews_feedback_when_completed check (status = 'completed' or (feedback is null and rating is null))
);
create index interviews_application_id_idx on interviews (application_id, scheduled_at);
create index interviews_scheduled_at_idx on interviews (scheduled_at);
create trigger interviews_set_updated_at before update on interviews
    for each row execute function set_updated_at();
create trigger interviews_status_transition before update of status on interviews
    for each row execute function enforce_transition('status',
        'scheduled:rescheduled', 'scheduled:completed', 'rescheduled:completed',
        'scheduled:canceled', 'rescheduled:canceled');
