//! Topics and their Redis channels: the one place that names them.

use uuid::Uuid;

/// Where an event is announced. Each topic is one Redis channel,
/// `<BRAID_REDIS_PREFIX>events:<kind>[:<uuid>]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Jobs as they are published (`jobPosted`): public.
    JobBoard,
    /// New messages of one conversation (`messageAdded`).
    Conversation(Uuid),
    /// New notifications of one user (`notificationAdded`).
    Notifications(Uuid),
    /// Changes to the applications of one job (`applicationUpdated(jobId)`).
    JobApplications(Uuid),
    /// Changes to one application (`applicationUpdated(applicationId)`).
    Application(Uuid),
    /// Changes to the bookings one user takes part in, as client or expert
    /// (`bookingUpdated`).
    Bookings(Uuid),
    /// Training progress of one twin's jobs (`twinTrainingProgress`).
    TwinTraining(Uuid),
    /// Changes to one delivery project's documents (`projectDocumentChanged`).
    Project(Uuid),
}

impl Topic {
    fn parts(self) -> (&'static str, Option<Uuid>) {
        match self {
            Topic::JobBoard => ("job-board", None),
            Topic::Conversation(id) => ("conversation", Some(id)),
            Topic::Notifications(id) => ("notifications", Some(id)),
            Topic::JobApplications(id) => ("job-applications", Some(id)),
            Topic::Application(id) => ("application", Some(id)),
            Topic::Bookings(id) => ("bookings", Some(id)),
            Topic::TwinTraining(id) => ("twin-training", Some(id)),
            Topic::Project(id) => ("project", Some(id)),
        }
    }

    /// The Redis channel of this topic under `prefix`.
    pub fn channel(self, prefix: &str) -> String {
        match self.parts() {
            (kind, None) => format!("{prefix}events:{kind}"),
            (kind, Some(id)) => format!("{prefix}events:{kind}:{id}"),
        }
    }

    /// The topic of a channel under `prefix`; `None` for channels that are not braid's.
    pub fn from_channel(prefix: &str, channel: &str) -> Option<Topic> {
        let rest = channel.strip_prefix(prefix)?.strip_prefix("events:")?;
        let (kind, id) = match rest.split_once(':') {
            Some((kind, id)) => (kind, Some(Uuid::parse_str(id).ok()?)),
            None => (rest, None),
        };
        Some(match (kind, id) {
            ("job-board", None) => Topic::JobBoard,
            ("conversation", Some(id)) => Topic::Conversation(id),
            ("notifications", Some(id)) => Topic::Notifications(id),
            ("job-applications", Some(id)) => Topic::JobApplications(id),
            ("application", Some(id)) => Topic::Application(id),
            ("bookings", Some(id)) => Topic::Bookings(id),
            ("twin-training", Some(id)) => Topic::TwinTraining(id),
            ("project", Some(id)) => Topic::Project(id),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip() {
        let id = Uuid::now_v7();
        for topic in [
            Topic::JobBoard,
            Topic::Conversation(id),
            Topic::Notifications(id),
            Topic::JobApplications(id),
            Topic::Application(id),
            Topic::Bookings(id),
            Topic::TwinTraining(id),
            Topic::Project(id),
        ] {
            let channel = topic.channel("braid:");
            assert_eq!(Topic::from_channel("braid:", &channel), Some(topic));
            assert_eq!(Topic::from_channel("other:", &channel), None);
        }
        assert_eq!(
            Topic::from_channel("braid:", "braid:events:project:nope"),
            None
        );
    }
}
