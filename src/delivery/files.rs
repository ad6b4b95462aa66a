//! Project attachments in GridFS (seed 000: file metadata in GridFS). The bytes live in
//! the default bucket (`fs.files` / `fs.chunks`) under the attachment's UUID, with the
//! project, owner, content type, size and SHA-256 in the file's metadata; the project
//! document lists the attachment.

use async_graphql::UploadValue;
use bson::{Bson, doc};
use futures::io::AsyncWriteExt;
use mongodb::gridfs::GridFsDownloadStream;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{
    docs,
    model::{Actor, AttachmentId, ProjectId, bson_id},
    project::{Attachment, Project},
};
use crate::{error::AppError, graphql::viewer::Viewer, state::AppState, users::UserId};

/// The file name without any directory part: 1 to 255 characters.
fn file_name(raw: &str) -> Result<String, AppError> {
    let name = raw
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AppError::BadUserInput(
            "file: the file name must be 1 to 255 characters".to_owned(),
        ));
    }
    Ok(name)
}

/// A `type/subtype` media type (parameters kept), or `application/octet-stream`.
fn media_type(raw: Option<&str>) -> String {
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match raw.map(str::trim) {
        Some(value) if value.len() <= 255 => {
            let essence = value.split(';').next().unwrap_or_default().trim();
            match essence.split_once('/') {
                Some((kind, sub)) if token(kind) && token(sub) => value.to_ascii_lowercase(),
                _ => "application/octet-stream".to_owned(),
            }
        }
        _ => "application/octet-stream".to_owned(),
    }
}

fn file_id(id: Uuid) -> Bson {
    Bson::from(bson_id(id))
}

/// Stores an upload in GridFS and lists it on the project. A file over the configured
/// limit is refused before anything is written; if the project refuses the entry, the
/// stored file is deleted again.
pub(super) async fn attach(
    state: &AppState,
    project: &Project,
    actor: Actor,
    upload: UploadValue,
) -> Result<Attachment, AppError> {
    let filename = file_name(&upload.filename)?;
    let bytes = upload.content;
    if bytes.len() > state.config.max_upload_bytes {
        return Err(AppError::BadUserInput(format!(
            "file: larger than {} bytes",
            state.config.max_upload_bytes
        )));
    }
    let content_type = media_type(upload.content_type.as_deref());
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    let id = Uuid::now_v7();
    let attachment = Attachment {
        id: bson_id(id),
        filename: filename.clone(),
        content_type: content_type.clone(),
        size: bytes.len() as i64,
        sha256: sha256.clone(),
        uploaded_at: bson::DateTime::now(),
        uploaded_by: bson_id(actor.user.0),
    };
    let bucket = state.mongo.gridfs_bucket(None);
    let mut stream = bucket
        .open_upload_stream(&filename)
        .id(file_id(id))
        .metadata(doc! {
            "project_id": project.id,
            "owner_id": project.owner_id,
            "content_type": &content_type,
            "size": bytes.len() as i64,
            "sha256": &sha256,
            "uploaded_by": bson_id(actor.user.0),
        })
        .await?;
    let written = async {
        stream.write_all(&bytes).await?;
        stream.close().await
    }
    .await;
    if let Err(error) = written {
        let _ = stream.abort().await;
        return Err(io_error(error));
    }
    match docs::push_attachment(&state.mongo, project.project_id(), &attachment).await {
        Ok(Some(_)) => Ok(attachment),
        outcome => {
            if let Err(error) = bucket.delete(file_id(id)).await {
                tracing::warn!(file = %id, %error, "an unlisted attachment file remains in GridFS");
            }
            match outcome {
                Err(error) => Err(error),
                _ => Err(AppError::Conflict(
                    "the project was archived at the same time".to_owned(),
                )),
            }
        }
    }
}

/// Maps a GridFS write failure: the driver reports store errors through `io::Error`.
fn io_error(error: std::io::Error) -> AppError {
    match error.into_inner() {
        Some(inner) => match inner.downcast::<mongodb::error::Error>() {
            Ok(mongo) => AppError::from(*mongo),
            Err(other) => AppError::internal(anyhow::anyhow!(other)),
        },
        None => AppError::internal(anyhow::anyhow!("GridFS write failed")),
    }
}

/// Removes an attachment from the project, then its file.
pub(super) async fn detach(
    state: &AppState,
    project: ProjectId,
    attachment: AttachmentId,
) -> Result<bool, AppError> {
    if docs::pull_attachment(&state.mongo, project, attachment.0)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound(
            "attachmentId: the project has no such attachment".to_owned(),
        ));
    }
    if let Err(error) = state
        .mongo
        .gridfs_bucket(None)
        .delete(file_id(attachment.0))
        .await
    {
        // Unlisted, so unreachable; logged for clean-up.
        tracing::warn!(file = %attachment.0, %error, "detached attachment file not deleted");
    }
    Ok(true)
}

/// An attachment ready to stream.
pub struct Download {
    /// The file name given at upload.
    pub filename: String,
    /// Its media type.
    pub content_type: String,
    /// Size in bytes.
    pub length: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// The content, read chunk by chunk from GridFS.
    pub stream: GridFsDownloadStream,
}

/// Opens an attachment for its project's owner or an admin. `UNAUTHENTICATED` without a
/// viewer; `NOT_FOUND` when it does not exist or belongs to someone else.
pub async fn open_attachment(
    state: &AppState,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Download, AppError> {
    viewer.require_user()?;
    let bucket = state.mongo.gridfs_bucket(None);
    let missing = || AppError::NotFound("no such file".to_owned());
    let file = bucket
        .find_one(doc! { "_id": file_id(id) })
        .await?
        .ok_or_else(missing)?;
    let metadata = file.metadata.unwrap_or_default();
    let owner = metadata
        .get("owner_id")
        .and_then(|b| match b {
            Bson::Binary(binary) => binary.to_uuid().ok(),
            _ => None,
        })
        .ok_or_else(missing)?;
    if !viewer.is_self_or_admin(UserId(owner.into())) {
        return Err(missing());
    }
    let stream = bucket.open_download_stream(file_id(id)).await?;
    Ok(Download {
        filename: file.filename.unwrap_or_else(|| "file".to_owned()),
        content_type: metadata
            .get_str("content_type")
            .unwrap_or("application/octet-stream")
            .to_owned(),
        length: file.length,
        sha256: metadata.get_str("sha256").unwrap_or_default().to_owned(),
        stream,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_media_types_are_cleaned() {
        assert_eq!(
            file_name("../../etc/passwd").ok().as_deref(),
            Some("passwd")
        );
        assert_eq!(
            file_name("C:\\docs\\brief.pdf").ok().as_deref(),
            Some("brief.pdf")
        );
        assert!(file_name("dir/").is_err());
        assert_eq!(
            media_type(Some("Text/Plain; charset=utf-8")),
            "text/plain; charset=utf-8"
        );
        assert_eq!(media_type(Some("not a type")), "application/octet-stream");
        assert_eq!(media_type(None), "application/octet-stream");
    }
}
