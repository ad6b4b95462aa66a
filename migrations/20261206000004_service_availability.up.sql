-- Service availability becomes typed (src/experts/availability.rs) and bookings are
-- checked against it:
--   {"timeZone": "<IANA zone>", "weekly": [{"day": "mon", "from": "HH:MM", "to": "HH:MM"}]}
-- or {} for "any time". Until now the column held free JSON that nothing read. Values in
-- the shape the demo seed wrote, {"weekdays": ["mon", ...], "hours": "HH:MM-HH:MM",
-- "timezone": "<zone>"}, are converted; every other value (and one naming an unknown zone
-- or malformed hours) cannot be checked against and is reset to {}: bookable at any time,
-- as it was. Values already in the new shape (after a rollback and a re-run) stay.
with old as (
    select id,
           availability->'weekdays' as days,
           availability->>'timezone' as zone,
           split_part(availability->>'hours', '-', 1) as from_time,
           split_part(availability->>'hours', '-', 2) as to_time
    from expert_services
    where availability <> '{}' and not (availability ? 'weekly' and availability ? 'timeZone')
), convertible as (
    select * from old
    where jsonb_typeof(days) = 'array' and jsonb_array_length(days) > 0
      and not exists (
          select 1 from jsonb_array_elements(days) d
          where jsonb_typeof(d) <> 'string'
             or d #>> '{}' not in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'))
      and zone in (select name from pg_timezone_names where name not in ('posixrules', 'localtime'))
      and from_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
      and to_time ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
      and from_time < to_time
)
update expert_services s
set availability = coalesce(
    (select jsonb_build_object('timeZone', c.zone, 'weekly', (
         select jsonb_agg(jsonb_build_object('day', d, 'from', c.from_time, 'to', c.to_time)
                          order by strpos('montuewedthufrisatsun', d))
         from (select distinct d #>> '{}' as d from jsonb_array_elements(c.days) d) days))
     from convertible c where c.id = s.id),
    '{}')
from old where old.id = s.id;
