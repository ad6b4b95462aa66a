//! `Embedder`: all-MiniLM-L6-v2 sentence embeddings computed in-process with candle.
//!
//! The model runs on ONE dedicated thread fed by a channel: inference is CPU-bound and
//! would stall the async runtime, and on small machines a second compute thread only
//! makes both slower. Requests that arrive while a batch runs are gathered into the next
//! batch. Every handle to the same model directory shares one loaded model and thread.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, OnceLock, mpsc},
};

use anyhow::Context as _;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams, TruncationStrategy};
use tokio::sync::oneshot;

/// Dimensions of one embedding.
pub const DIMENSIONS: usize = 384;

/// The model's window (`max_seq_length` of the sentence-transformers model), in tokens.
const MAX_TOKENS: usize = 256;

/// Texts embedded in one forward pass.
const BATCH: usize = 32;

/// Words per chunk of a long text, and the words two neighbouring chunks share. 160
/// words stay below the 256-token window for ordinary prose.
const CHUNK_WORDS: usize = 160;
const CHUNK_OVERLAP: usize = 32;

/// A handle to the shared embedding thread of one model directory; cheap to clone.
#[derive(Clone)]
pub struct Embedder {
    model_dir: PathBuf,
    thread: Arc<OnceLock<Result<mpsc::Sender<Job>, String>>>,
}

struct Job {
    texts: Vec<String>,
    reply: oneshot::Sender<Result<Vec<Vec<f32>>, String>>,
}

/// Why texts could not be embedded.
#[derive(Debug, thiserror::Error)]
#[error("embedding failed: {0}")]
pub struct EmbedError(String);

impl Embedder {
    /// The process-wide handle for the model in `model_dir` (loaded on first use, or by
    /// [`Embedder::load`]).
    pub fn shared(model_dir: &Path) -> Embedder {
        static HANDLES: OnceLock<Mutex<HashMap<PathBuf, Embedder>>> = OnceLock::new();
        let handles = HANDLES.get_or_init(Default::default);
        let mut handles = match handles.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        handles
            .entry(model_dir.to_path_buf())
            .or_insert_with(|| Embedder {
                model_dir: model_dir.to_path_buf(),
                thread: Arc::new(OnceLock::new()),
            })
            .clone()
    }

    /// Loads the model now (`braid serve` does at startup, so a missing model fails fast).
    pub async fn load(&self) -> anyhow::Result<()> {
        self.embed(vec!["warm up".to_owned()])
            .await
            .map(drop)
            .with_context(|| {
                format!(
                    "loading the embedding model from {}",
                    self.model_dir.display()
                )
            })
    }

    fn sender(&self) -> Result<&mpsc::Sender<Job>, EmbedError> {
        self.thread
            .get_or_init(|| {
                let model = Model::load(&self.model_dir).map_err(|e| format!("{e:#}"))?;
                let (sender, receiver) = mpsc::channel::<Job>();
                std::thread::Builder::new()
                    .name("braid-embedder".to_owned())
                    .spawn(move || run(model, receiver))
                    .map_err(|e| e.to_string())?;
                Ok(sender)
            })
            .as_ref()
            .map_err(|e| EmbedError(e.clone()))
    }

    /// Unit-length embeddings of `texts`, in order (each text truncated to the model's
    /// window; use [`chunk`] first for long texts).
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        // Loading the model blocks: do it off the runtime's worker threads.
        let this = self.clone();
        let sent = tokio::task::spawn_blocking(move || {
            this.sender()?
                .send(Job { texts, reply })
                .map_err(|_| EmbedError("the embedding thread stopped".to_owned()))
        })
        .await
        .map_err(|e| EmbedError(e.to_string()))?;
        sent?;
        answer
            .await
            .map_err(|_| EmbedError("the embedding thread stopped".to_owned()))?
            .map_err(EmbedError)
    }

    /// The embedding of one text.
    pub async fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        self.embed(vec![text.to_owned()])
            .await?
            .pop()
            .ok_or_else(|| EmbedError("no embedding returned".to_owned()))
    }
}

/// Splits a text into overlapping chunks that each fit the model's window; a short text
/// is one chunk. Empty text gives no chunk.
pub fn chunk(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return Vec::new();
    }
    let step = CHUNK_WORDS - CHUNK_OVERLAP;
    let mut chunks = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + CHUNK_WORDS).min(words.len());
        chunks.push(words[start..end].join(" "));
        if end == words.len() {
            return chunks;
        }
        start += step;
    }
}

struct Model {
    bert: BertModel,
    tokenizer: Tokenizer,
}

impl Model {
    fn load(dir: &Path) -> anyhow::Result<Model> {
        let config: BertConfig = serde_json::from_slice(
            &std::fs::read(dir.join("config.json")).context("reading config.json")?,
        )
        .context("parsing config.json")?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| anyhow::anyhow!("reading tokenizer.json: {e}"))?;
        // The shipped tokenizer pads every text to 128 and cuts at 128: pad a batch to
        // its longest text instead, and cut at the model's real window.
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                strategy: TruncationStrategy::LongestFirst,
                ..Default::default()
            }))
            .map_err(|e| anyhow::anyhow!("configuring truncation: {e}"))?;
        let weights =
            std::fs::read(dir.join("model.safetensors")).context("reading model.safetensors")?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)?;
        let bert = BertModel::load(vb, &config).context("loading the BERT weights")?;
        Ok(Model { bert, tokenizer })
    }

    fn embed(&self, texts: &[String]) -> anyhow::Result<Vec<Vec<f32>>> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?;
        let rows = encodings.len();
        let width = encodings.first().map_or(0, |e| e.get_ids().len());
        let flat = |f: &dyn Fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
            encodings
                .iter()
                .flat_map(|e| f(e).iter().copied())
                .collect()
        };
        let device = Device::Cpu;
        let ids = Tensor::from_vec(flat(&|e| e.get_ids()), (rows, width), &device)?;
        let types = Tensor::from_vec(flat(&|e| e.get_type_ids()), (rows, width), &device)?;
        let mask = Tensor::from_vec(flat(&|e| e.get_attention_mask()), (rows, width), &device)?;
        let hidden = self.bert.forward(&ids, &types, Some(&mask))?;
        // Mean over the real tokens, then unit length.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        Ok(mean.broadcast_div(&norms)?.to_vec2()?)
    }
}

/// The embedding thread: takes jobs, gathers those already waiting, embeds them in
/// batches of texts of similar length and answers each job.
fn run(model: Model, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.iter().map(|j| j.texts.len()).sum::<usize>() < BATCH * 4 {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let texts: Vec<(usize, &String)> = batch
            .iter()
            .flat_map(|job| job.texts.iter())
            .enumerate()
            .collect();
        let mut order = texts.clone();
        // Similar lengths together: less padding per forward pass.
        order.sort_by_key(|(_, text)| text.len());
        let mut vectors: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        let mut failure = None;
        for group in order.chunks(BATCH) {
            let inputs: Vec<String> = group.iter().map(|(_, t)| (*t).clone()).collect();
            match model.embed(&inputs) {
                Ok(embedded) => {
                    for ((index, _), vector) in group.iter().zip(embedded) {
                        vectors[*index] = Some(vector);
                    }
                }
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "embedding failed");
                    failure = Some(format!("{error:#}"));
                    break;
                }
            }
        }
        let mut vectors = vectors.into_iter();
        for job in batch {
            let answer = match &failure {
                Some(error) => Err(error.clone()),
                None => job
                    .texts
                    .iter()
                    .map(|_| {
                        vectors
                            .next()
                            .flatten()
                            .ok_or_else(|| "missing vector".to_owned())
                    })
                    .collect(),
            };
            let _ = job.reply.send(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::chunk;

    #[test]
    fn long_texts_are_chunked_with_overlap() {
        let text: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
        let chunks = chunk(&text.join(" "));
        assert_eq!(chunks.len(), 3);
        assert!(chunks[0].starts_with("w0 ") && chunks[0].ends_with(" w159"));
        assert!(chunks[1].starts_with("w128 "), "{}", &chunks[1][..20]);
        assert!(chunks[2].ends_with(" w399"));
        assert_eq!(chunk("short text"), vec!["short text".to_owned()]);
        assert!(chunk("  ").is_empty());
    }
}
