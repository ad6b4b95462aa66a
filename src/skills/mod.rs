//! Skills: the shared catalogue (`skills`) and what each user lists (`user_skills`).
//!
//! Anyone signed in may name a new skill when they first list it (`setSkill` creates it
//! on first use, so the catalogue grows with its users); `createSkill`, which also sets
//! a category and description, is for admins curating the catalogue.

mod db;
mod loader;
mod model;
mod mutation;
mod query;

pub(crate) use db::ensure_skill;
pub use loader::{attach_loaders, load_skill, load_user_skills};
pub use model::{Skill, SkillCategory, SkillId, UserSkill};
pub use mutation::SetSkillInput;
pub use mutation::SkillMutation;
pub(crate) use mutation::list_skill;
pub use query::SkillQuery;
