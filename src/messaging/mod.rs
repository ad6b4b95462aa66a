//! Messaging: direct, twin and group conversations, their participants and messages.

mod access;
mod db;
mod loader;
mod model;
mod mutation;
mod query;
mod subscription;

pub(crate) use access::readable as load_conversation;
pub use loader::attach_loaders;
pub use model::MessageKind;
pub use model::{Conversation, ConversationId, ConversationKind, Message, MessageId, Participant};
pub use mutation::MessagingMutation;
pub(crate) use mutation::{create_group, direct_between, send as send_message, with_twin};
pub use query::MessagingQuery;
pub use subscription::MessagingSubscription;
