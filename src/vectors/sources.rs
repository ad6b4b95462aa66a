//! The text and access payload of each indexed entity, read as it is now.
//!
//! Read-only projections over the owning domains' tables, one statement per kind and
//! batch: the index worker, `braid reindex` and `braid reconcile` share them, so what is
//! indexed and what is checked are the same thing.

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::kind::{SearchKind, Visibility};

/// One entity's text and the payload its points carry.
#[derive(Clone, Debug)]
pub(super) struct IndexDocument {
    /// What it is.
    pub(super) kind: SearchKind,
    /// Its id in its own store.
    pub(super) entity_id: Uuid,
    /// The text to embed (empty: nothing to index).
    pub(super) text: String,
    /// Who owns it.
    pub(super) owner_id: Uuid,
    /// The organization it belongs to, for jobs.
    pub(super) org_id: Option<Uuid>,
    /// The knowledge base of a content, the twin of a data source.
    pub(super) parent_id: Option<Uuid>,
    /// Who may find it.
    pub(super) visibility: Visibility,
    /// A job's status (`published` ones are recommended and ranked).
    pub(super) status: Option<String>,
}

#[derive(FromRow)]
struct DocumentRow {
    id: Uuid,
    text: Option<String>,
    owner_id: Uuid,
    org_id: Option<Uuid>,
    parent_id: Option<Uuid>,
    visibility: String,
    status: Option<String>,
}

/// An expert's visibility as a point's, given `x` (expert_profiles) and `u` (users).
const EXPERT_VISIBILITY: &str = "case when not u.is_active then 'private'
    when x.visibility = 'public' then 'public' when x.visibility = 'limited' then 'members'
    else 'private' end";

fn statement(kind: SearchKind) -> Option<String> {
    Some(match kind {
        SearchKind::Job => "select j.id, concat_ws(E'\\n', j.title, j.description, j.requirements, j.responsibilities,
                    (select 'Skills: ' || string_agg(s.name::text, ', ' order by s.name)
                     from job_skills js join skills s on s.id = js.skill_id where js.job_id = j.id)) as text,
                j.created_by as owner_id, j.organization_id as org_id, null::uuid as parent_id,
                case when j.status = 'draft' then 'private' else 'public' end as visibility, j.status
             from jobs j where ($1::uuid[] is null or j.id = any($1))"
            .to_owned(),
        SearchKind::Profile => "select u.id, concat_ws(E'\\n', p.headline, p.summary,
                    nullif(concat_ws(' at ', p.current_position, p.current_company), ''),
                    (select 'Skills: ' || string_agg(s.name::text, ', ' order by us.proficiency_level desc, s.name)
                     from user_skills us join skills s on s.id = us.skill_id where us.user_id = u.id),
                    (select string_agg(concat_ws(' ', e.title, 'at', e.company, e.description), E'\\n' order by e.start_date desc)
                     from experiences e where e.user_id = u.id)) as text,
                u.id as owner_id, null::uuid as org_id, null::uuid as parent_id,
                case when u.is_active then st.profile_visibility else 'private' end as visibility, null::text as status
             from users u join individual_profiles p on p.user_id = u.id join user_settings st on st.user_id = u.id
             where u.role = 'individual' and ($1::uuid[] is null or u.id = any($1))"
            .to_owned(),
        SearchKind::ExpertProfile => format!(
            "select x.user_id as id, concat_ws(E'\\n', x.title, x.expertise_summary, x.bio) as text,
                x.user_id as owner_id, null::uuid as org_id, null::uuid as parent_id,
                {EXPERT_VISIBILITY} as visibility, null::text as status
             from expert_profiles x join users u on u.id = x.user_id
             where ($1::uuid[] is null or x.user_id = any($1))"
        ),
        SearchKind::ExpertService => format!(
            "select s.id, concat_ws(E'\\n', s.title, s.description) as text,
                s.expert_id as owner_id, null::uuid as org_id, null::uuid as parent_id,
                case when s.status <> 'active' then 'private' else {EXPERT_VISIBILITY} end as visibility, null::text as status
             from expert_services s join expert_profiles x on x.user_id = s.expert_id join users u on u.id = x.user_id
             where ($1::uuid[] is null or s.id = any($1))"
        ),
        SearchKind::KnowledgeContent => format!(
            "select c.id, concat_ws(E'\\n', c.title, c.description, c.content) as text,
                b.expert_id as owner_id, null::uuid as org_id, b.id as parent_id,
                case when c.status <> 'active' or not b.is_public then 'private' else {EXPERT_VISIBILITY} end as visibility, null::text as status
             from knowledge_contents c join expert_knowledge_bases b on b.id = c.knowledge_base_id
                join expert_profiles x on x.user_id = b.expert_id join users u on u.id = x.user_id
             where ($1::uuid[] is null or c.id = any($1))"
        ),
        SearchKind::TwinSource => "select d.id, concat_ws(E'\\n', d.name, d.content_text) as text,
                t.user_id as owner_id, null::uuid as org_id, d.twin_id as parent_id, 'private' as visibility,
                null::text as status, null::text as status
             from twin_data_sources d join digital_twins t on t.id = d.twin_id
             where ($1::uuid[] is null or d.id = any($1))"
            .to_owned(),
        SearchKind::Requirement | SearchKind::Prd => return None,
    })
}

/// The current documents of these entities of a PostgreSQL kind (`None`: every entity of
/// the kind). Entities that no longer exist are absent.
pub(super) async fn postgres_documents(
    pg: &PgPool,
    kind: SearchKind,
    ids: Option<&[Uuid]>,
) -> sqlx::Result<Vec<IndexDocument>> {
    let Some(sql) = statement(kind) else {
        return Ok(Vec::new());
    };
    let rows: Vec<DocumentRow> = sqlx::query_as(&sql).bind(ids).fetch_all(pg).await?;
    Ok(rows
        .into_iter()
        .map(|row| IndexDocument {
            kind,
            entity_id: row.id,
            text: row.text.unwrap_or_default(),
            owner_id: row.owner_id,
            org_id: row.org_id,
            parent_id: row.parent_id,
            visibility: Visibility::parse(&row.visibility),
            status: row.status,
        })
        .collect())
}
