//! Profiles: a person's individual profile, work experiences, portfolio projects
//! (seed table `projects`) and educations.

mod db;
mod history;
mod input;
mod loader;
mod model;
mod mutation;

pub use input::{EducationInput, ExperienceInput, PortfolioProjectInput, ProfileInput};
pub use loader::{
    attach_loaders, load_educations, load_experiences, load_node, load_portfolio_projects,
    load_profile,
};
pub use model::{
    Education, EducationId, EducationLevel, Experience, ExperienceId, IndividualProfile,
    PortfolioProject, PortfolioProjectId,
};
pub use mutation::ProfileMutation;
pub(crate) use mutation::{add_education, add_experience, add_portfolio_project, update_profile};
