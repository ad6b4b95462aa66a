alter table partner_api_keys add column scopes text[] not null default '{}';
