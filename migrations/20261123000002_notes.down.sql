drop table if exists notes;
