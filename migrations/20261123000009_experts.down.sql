drop table if exists service_bookings;
drop table if exists expert_services;
drop table if exists content_tags;
drop table if exists knowledge_contents;
drop table if exists expert_knowledge_bases;
drop table if exists expert_profiles;
