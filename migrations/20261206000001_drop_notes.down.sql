-- Restores the notes table as 20261123000002 created it (empty: its rows are gone).
create table notes (
    id         uuid primary key,
    body       text not null check (char_length(body) between 1 and 10000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create index notes_created_at_id_idx on notes (created_at desc, id desc);

create trigger notes_set_updated_at before update on notes
    for each row execute function set_updated_at();
