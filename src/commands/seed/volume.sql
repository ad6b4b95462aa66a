-- `braid seed --volume SCALE`, PostgreSQL part: SCALE x (1,000 users with profiles,
-- settings and 3 skills each; 10 organizations; 200 published jobs with 2 skills each;
-- 2,000 applications). Runs in one transaction with triggers off
-- (session_replication_role = replica): the rows are valid by construction, and the
-- vector outbox is not flooded (`braid reindex` embeds them when wanted).
-- {scale} and {batch} (a number that keeps usernames unique across runs) are replaced
-- by integers before it runs.
create temporary table gen_users on commit drop as
  select gen_random_uuid() as id, n,
         (array['individual', 'individual', 'individual', 'employer', 'expert'])[1 + n % 5] as role
  from generate_series(1, {scale} * 1000) as n;
insert into users (id, username, email, password_hash, role, registration_source, is_verified)
  select g.id, format('gen%s_%s', {batch}, g.n), format('gen%s_%s@example.com', {batch}, g.n),
         (select password_hash from users where registration_source = 'seed' limit 1),
         g.role, 'seed', true
  from gen_users g;
insert into user_settings (user_id) select id from gen_users;
insert into individual_profiles (user_id, first_name, last_name, headline, summary, years_experience)
  select id, 'Gen', format('User %s', n),
         (array['Backend engineer', 'Data scientist', 'Frontend developer', 'SRE', 'Product designer'])[1 + n % 5],
         'Generated for the benchmarks: builds services, ships features and reviews code.', n % 30
  from gen_users where role = 'individual';
create temporary table gen_skills on commit drop as
  select id, row_number() over (order by id) - 1 as k from skills;
insert into user_skills (user_id, skill_id, proficiency_level)
  select g.id, s.id, 1 + (g.n + s.k) % 5
  from gen_users g
  join gen_skills s on s.k in ((g.n * 7) % 37, (g.n * 7 + 11) % 37, (g.n * 7 + 23) % 37)
  where g.role = 'individual';
create temporary table gen_individuals on commit drop as
  select id, row_number() over (order by n) as k from gen_users where role = 'individual';
create index on gen_individuals (k);
create temporary table gen_orgs on commit drop as
  select gen_random_uuid() as id, n from generate_series(1, {scale} * 10) as n;
insert into employer_organizations (id, name, industry, company_size)
  select id, format('Generated Co %s-%s', {batch}, n), 'Software', '51-200' from gen_orgs;
insert into employer_members (organization_id, user_id, role)
  select o.id, e.id, 'owner'
  from gen_orgs o
  join (select id, row_number() over (order by n) as k from gen_users where role = 'employer') e
    on e.k = o.n;
create temporary table gen_jobs on commit drop as
  select gen_random_uuid() as id, j.n, o.id as organization_id
  from generate_series(1, {scale} * 200) as j (n)
  join gen_orgs o on o.n = 1 + j.n % ({scale} * 10);
insert into jobs (id, organization_id, created_by, title, description, requirements, employment_type,
                  experience_level, remote_type, salary_min, salary_max, salary_currency, status, published_at)
  select j.id, j.organization_id, m.user_id,
         (array['Rust engineer', 'Data engineer', 'Frontend engineer', 'Platform engineer', 'ML engineer'])[1 + j.n % 5]
           || format(' #%s', j.n),
         'Build and run services for a growing product. Generated for the benchmarks.',
         'Experience with distributed systems, SQL and code review.',
         (array['full_time', 'part_time', 'contract'])[1 + j.n % 3],
         (array['entry', 'mid', 'senior', 'executive'])[1 + j.n % 4],
         (array['on_site', 'remote', 'hybrid'])[1 + j.n % 3],
         60000 + (j.n % 50) * 1000, 90000 + (j.n % 50) * 1000, 'EUR', 'published',
         now() - make_interval(secs => j.n)
  from gen_jobs j join employer_members m on m.organization_id = j.organization_id and m.role = 'owner';
insert into job_skills (job_id, skill_id, is_required)
  select j.id, s.id, s.k = 1
  from gen_jobs j
  cross join lateral (
    select id, row_number() over () as k from (
      select id from skills order by md5(id::text || j.n::text) limit 2) two
  ) s;
insert into job_applications (id, job_id, applicant_id, status, applied_at)
  select gen_random_uuid(), j.id, a.id,
         (array['applied', 'reviewing', 'interviewed', 'rejected'])[1 + a.k % 4],
         now() - make_interval(secs => a.k)
  from gen_jobs j
  join gen_individuals a
    on a.k between 1 + (j.n * 10) % ({scale} * 600 - 10) and 10 + (j.n * 10) % ({scale} * 600 - 10);
