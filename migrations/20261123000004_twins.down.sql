drop table if exists twin_model_versions;
drop table if exists twin_training_jobs;
drop table if exists twin_data_sources;
drop table if exists digital_twins;
