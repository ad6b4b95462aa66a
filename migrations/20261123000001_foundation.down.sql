drop function if exists set_updated_at();
drop extension if exists pg_stat_statements;
drop extension if exists citext;
drop extension if exists btree_gist;
