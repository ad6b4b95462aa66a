-- Key scopes were recorded and never enforced. What a partner may run is its published
-- manifest (partner_documents): that is the one authority, so the column goes.
alter table partner_api_keys drop column scopes;
