-- Shared foundation: extensions and the updated_at trigger helper.
create extension if not exists btree_gist;
create extension if not exists citext;
create extension if not exists pg_stat_statements;

-- Keeps updated_at current on every update; attach with
--   create trigger <table>_set_updated_at before update on <table>
--   for each row execute function set_updated_at();
create function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;
