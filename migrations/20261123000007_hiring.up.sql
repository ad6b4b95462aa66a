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
