//! SQL for the hiring tables, one file per table family. Every function takes an
//! executor so the caller picks the transaction.

pub(super) mod applications;
pub(super) mod interviews;
pub(super) mod jobs;
pub(super) mod organizations;

use crate::error::{AppError, violated_constraint};

/// Turns a violated hiring constraint into what the client is told; other errors pass
/// through. The database holds the rules, so this is where their refusals get words.
pub(super) fn refused(error: sqlx::Error) -> AppError {
    let Some(constraint) = violated_constraint(&error) else {
        return error.into();
    };
    let conflict = |message: &str| AppError::Conflict(message.to_owned());
    let input = |message: &str| AppError::BadUserInput(message.to_owned());
    match constraint {
        // The transition trigger's own message names the column and both states.
        name if name.ends_with("_transition") => AppError::Conflict(
            error
                .as_database_error()
                .map(|e| e.message().to_owned())
                .unwrap_or_else(|| "this change of state is not allowed".to_owned()),
        ),
        "employer_members_last_owner" => {
            conflict("an organization must keep an owner: make someone else owner first")
        }
        "employer_members_pkey" => conflict("this user is already a member"),
        "employer_members_user_id_fkey" => input("userId: no user has this id"),
        "job_applications_one_per_applicant" => conflict("you have already applied to this job"),
        "job_applications_job_open" => conflict(
            "this job takes no applications: it is not published, is closed or is past its deadline",
        ),
        "job_skills_skill_id_fkey" => input("skills: no skill has this id"),
        "jobs_salary_range" => input("salaryMax: must not be below salaryMin"),
        "jobs_salary_has_currency" => input("salaryCurrency: required with a salary"),
        "interviews_interviewer_id_fkey" => input("interviewerId: no user has this id"),
        _ => error.into(),
    }
}
