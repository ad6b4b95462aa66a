//! User settings: notification, privacy, UI and AI preferences (seed 003 `user_settings`
//! plus seed 000's `ai_settings`). Stored as JSON documents, read through these typed
//! structs whose defaults fill in keys a stored document lacks.

use async_graphql::{Enum, InputObject, SimpleObject};
use serde::{Deserialize, Serialize};

use super::model::ProfileVisibility;
use crate::error::AppError;

/// All of a user's preferences.
#[derive(SimpleObject, Clone, Debug)]
pub(super) struct UserSettings {
    /// Who may see the user at all.
    pub profile_visibility: ProfileVisibility,
    /// How the user wants to be notified.
    pub notifications: NotificationPreferences,
    /// Which profile details others may see.
    pub privacy: PrivacySettings,
    /// How the SPA looks.
    pub ui: UiPreferences,
    /// How AI assistance behaves for this user.
    pub ai: AiSettings,
}

/// Notification channels.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub(super) struct NotificationPreferences {
    /// Email notifications.
    pub email: bool,
    /// In-app notifications.
    pub in_app: bool,
    /// Push notifications.
    pub push: bool,
    /// Product news and offers.
    pub marketing: bool,
}

impl Default for NotificationPreferences {
    fn default() -> Self {
        Self {
            email: true,
            in_app: true,
            push: false,
            marketing: false,
        }
    }
}

/// Which profile details other people may see.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub struct PrivacySettings {
    /// Show the profile's location to others (and let them filter by it).
    pub show_location: bool,
    /// Show the profile's birth date to others.
    pub show_birth_date: bool,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        Self {
            show_location: true,
            show_birth_date: false,
        }
    }
}

/// Colour scheme.
#[derive(Enum, Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// How the SPA looks.
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub(super) struct UiPreferences {
    /// Colour scheme.
    pub theme: Theme,
    /// Interface language (a BCP 47 tag such as `en` or `zh-CN`).
    pub language: String,
    /// IANA time zone such as `Asia/Shanghai`.
    pub timezone: String,
}

impl Default for UiPreferences {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            language: "en".to_owned(),
            timezone: "UTC".to_owned(),
        }
    }
}

/// AI assistance (seed 000 `ai_settings`).
#[derive(SimpleObject, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(default)]
pub(super) struct AiSettings {
    /// AI output below this confidence (0 to 1) is flagged for review.
    pub confidence_threshold: f64,
    /// Apply AI suggestions without asking.
    pub auto_apply_suggestions: bool,
}

impl Default for AiSettings {
    fn default() -> Self {
        Self {
            confidence_threshold: 0.7,
            auto_apply_suggestions: false,
        }
    }
}

/// Changes to settings: only the fields given change.
#[derive(InputObject, Default)]
pub(super) struct UpdateSettingsInput {
    /// Who may see the user at all.
    pub profile_visibility: Option<ProfileVisibility>,
    /// Email notifications.
    pub notify_by_email: Option<bool>,
    /// In-app notifications.
    pub notify_in_app: Option<bool>,
    /// Push notifications.
    pub notify_by_push: Option<bool>,
    /// Product news and offers.
    pub notify_marketing: Option<bool>,
    /// Show the profile's location to others.
    pub show_location: Option<bool>,
    /// Show the profile's birth date to others.
    pub show_birth_date: Option<bool>,
    /// Colour scheme.
    pub theme: Option<Theme>,
    /// Interface language, a BCP 47 tag.
    pub language: Option<String>,
    /// IANA time zone.
    pub timezone: Option<String>,
    /// AI confidence threshold, 0 to 1.
    pub ai_confidence_threshold: Option<f64>,
    /// Apply AI suggestions without asking.
    pub ai_auto_apply_suggestions: Option<bool>,
}

impl UserSettings {
    /// Applies the given changes after checking them; nothing changes on error.
    pub(super) fn apply(mut self, input: UpdateSettingsInput) -> Result<Self, AppError> {
        if let Some(language) = &input.language {
            let valid = (2..=35).contains(&language.len())
                && language.split('-').all(|part| {
                    !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if !valid {
                return Err(AppError::BadUserInput(format!(
                    "language: {language:?} is not a BCP 47 tag"
                )));
            }
        }
        if let Some(timezone) = &input.timezone {
            let valid = (1..=64).contains(&timezone.len())
                && timezone
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
            if !valid {
                return Err(AppError::BadUserInput(format!(
                    "timezone: {timezone:?} is not an IANA time zone"
                )));
            }
        }
        if let Some(threshold) = input.ai_confidence_threshold {
            if !(0.0..=1.0).contains(&threshold) {
                return Err(AppError::BadUserInput(
                    "aiConfidenceThreshold: must be between 0 and 1".to_owned(),
                ));
            }
            self.ai.confidence_threshold = threshold;
        }
        let set = |target: &mut bool, value: Option<bool>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        set(&mut self.notifications.email, input.notify_by_email);
        set(&mut self.notifications.in_app, input.notify_in_app);
        set(&mut self.notifications.push, input.notify_by_push);
        set(&mut self.notifications.marketing, input.notify_marketing);
        set(&mut self.privacy.show_location, input.show_location);
        set(&mut self.privacy.show_birth_date, input.show_birth_date);
        set(
            &mut self.ai.auto_apply_suggestions,
            input.ai_auto_apply_suggestions,
        );
        if let Some(visibility) = input.profile_visibility {
            self.profile_visibility = visibility;
        }
        if let Some(theme) = input.theme {
            self.ui.theme = theme;
        }
        if let Some(language) = input.language {
            self.ui.language = language;
        }
        if let Some(timezone) = input.timezone {
            self.ui.timezone = timezone;
        }
        Ok(self)
    }
}
