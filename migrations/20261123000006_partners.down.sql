drop table if exists partner_documents;
drop table if exists partner_api_keys;
drop table if exists partners;
