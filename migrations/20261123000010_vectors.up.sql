-- The vector-index outbox: every change of an indexed entity leaves a row here in the
-- same transaction (triggers, so no write path can forget it), and the index worker in
-- `braid serve` embeds the entity's current text into Qdrant and deletes the row. A row
-- names what changed, not what to write: the worker reads the entity as it is when the
-- row is drained, so rows may repeat and arrive in any order.

create table vector_outbox (
    id              bigint generated always as identity primary key,
    kind            text not null,
    entity_id       uuid not null,
    op              text not null,
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    constraint vector_outbox_kind_check check (
        kind in ('job', 'profile', 'expert_profile', 'expert_service', 'knowledge_content', 'twin_source')),
    constraint vector_outbox_op_check check (op in ('upsert', 'delete'))
);
create index vector_outbox_due_idx on vector_outbox (next_attempt_at, id);

-- vector_outbox_enqueue(kind, id column [, 'child']): a row for the entity the changed
-- row belongs to. On an entity's own table a delete removes its vectors; on a child
-- table (skills, experiences, settings) any change re-indexes the parent.
create function vector_outbox_enqueue() returns trigger
language plpgsql as $$
declare
    changed jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
    op text := case when tg_op = 'DELETE' and tg_nargs < 3 then 'delete' else 'upsert' end;
begin
    insert into vector_outbox (kind, entity_id, op)
    values (tg_argv[0], (changed ->> tg_argv[1])::uuid, op);
    perform pg_notify('braid_vector_outbox', '');
    return null;
end;
$$;

create trigger jobs_vector_outbox
    after insert or delete or update of title, description, requirements, responsibilities, status, organization_id on jobs
    for each row execute function vector_outbox_enqueue('job', 'id');
create trigger job_skills_vector_outbox after insert or delete or update on job_skills
    for each row execute function vector_outbox_enqueue('job', 'job_id', 'child');

create trigger individual_profiles_vector_outbox
    after insert or delete or update of headline, summary, current_position, current_company on individual_profiles
    for each row execute function vector_outbox_enqueue('profile', 'user_id');
create trigger user_skills_vector_outbox after insert or delete or update on user_skills
    for each row execute function vector_outbox_enqueue('profile', 'user_id', 'child');
create trigger experiences_vector_outbox after insert or delete or update on experiences
    for each row execute function vector_outbox_enqueue('profile', 'user_id', 'child');
create trigger user_settings_vector_outbox after update of profile_visibility on user_settings
    for each row execute function vector_outbox_enqueue('profile', 'user_id', 'child');

create trigger expert_services_vector_outbox
    after insert or delete or update of title, description, service_type, status on expert_services
    for each row execute function vector_outbox_enqueue('expert_service', 'id');
create trigger knowledge_contents_vector_outbox
    after insert or delete or update of title, content, description, status on knowledge_contents
    for each row execute function vector_outbox_enqueue('knowledge_content', 'id');
create trigger twin_data_sources_vector_outbox
    after insert or delete or update of name, content_text, content_url, content_path on twin_data_sources
    for each row execute function vector_outbox_enqueue('twin_source', 'id');

-- An expert's visibility is part of every one of their points: a change re-indexes the
-- profile, its services and its knowledge; so does a knowledge base's is_public.
create function expert_profiles_vector_outbox() returns trigger
language plpgsql as $$
declare
    expert uuid := case when tg_op = 'DELETE' then old.user_id else new.user_id end;
begin
    insert into vector_outbox (kind, entity_id, op)
    values ('expert_profile', expert, case when tg_op = 'DELETE' then 'delete' else 'upsert' end);
    if tg_op = 'UPDATE' and old.visibility is distinct from new.visibility then
        insert into vector_outbox (kind, entity_id, op)
        select 'expert_service', id, 'upsert' from expert_services where expert_id = expert
        union all
        select 'knowledge_content', c.id, 'upsert'
        from knowledge_contents c join expert_knowledge_bases b on b.id = c.knowledge_base_id
        where b.expert_id = expert;
    end if;
    perform pg_notify('braid_vector_outbox', '');
    return null;
end;
$$;
create trigger expert_profiles_vector_outbox
    after insert or delete or update of title, bio, expertise_summary, visibility on expert_profiles
    for each row execute function expert_profiles_vector_outbox();

create function expert_knowledge_bases_vector_outbox() returns trigger
language plpgsql as $$
begin
    insert into vector_outbox (kind, entity_id, op)
    select 'knowledge_content', id, 'upsert' from knowledge_contents where knowledge_base_id = new.id;
    perform pg_notify('braid_vector_outbox', '');
    return null;
end;
$$;
create trigger expert_knowledge_bases_vector_outbox after update of is_public on expert_knowledge_bases
    for each row execute function expert_knowledge_bases_vector_outbox();
