-- Back to free JSON, which takes any object: availabilities whose windows all share one
-- time range return to the demo seed's earlier shape; the others stay as they are.
update expert_services
set availability = jsonb_build_object(
    'weekdays', (select jsonb_agg(w->>'day') from jsonb_array_elements(availability->'weekly') w),
    'hours', (availability #>> '{weekly,0,from}') || '-' || (availability #>> '{weekly,0,to}'),
    'timezone', availability->>'timeZone')
where availability ? 'weekly'
  and (select count(distinct (w->>'from') || '-' || (w->>'to'))
       from jsonb_array_elements(availability->'weekly') w) = 1;
