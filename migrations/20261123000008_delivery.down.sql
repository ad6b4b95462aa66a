drop table if exists ai_analysis_failures;
drop table if exists api_specs;
