drop table if exists notifications;
drop table if exists messages;
drop table if exists conversation_participants;
drop table if exists conversations;
