-- Notes were the first vertical slice and are in no design: anyone could write them.
-- The public real-time feed they demonstrated is now `jobPosted`.
drop table if exists notes;
