//! `/stories` and `/stories/{id}`: the guided tours the map steps through.
//!
//! The list names each story with its step count; one story is its document exactly as stored
//! in `geodata/stories/` plus `links`. Stories belong to the catalog, so they change with a
//! reload of the data and share its ETag. Browsers get a plain HTML rendering of the same.

use super::error::{ApiError, ApiResult};
use super::ogc::{escape, page};
use super::request::{Format, Request};
use super::response;
use super::state::AppState;
use crate::load::Story;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stories", get(list))
        .route("/stories/{id}", get(one))
}

fn link(request: &Request, rel: &str, path: &str, kind: &str, title: &str) -> Value {
    json!({"rel": rel, "type": kind, "title": title, "href": request.url(path, &[])})
}

fn story_path(story: &Story) -> String {
    format!("/stories/{}", super::request::encode(&story.id))
}

async fn list(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let catalog = state.catalog();
    if request.format == Format::Html {
        let items = catalog.stories.iter().map(|s| {
            format!(
                "<li><a href=\"{}?f=html\">{}</a> ({} steps): {}</li>",
                escape(&story_path(s)),
                escape(&s.title),
                s.steps.len(),
                escape(&s.summary)
            )
        });
        let content = format!("<ul>{}</ul>", items.collect::<String>());
        return Ok(response::html(page("Stories", &content)));
    }
    let stories: Vec<Value> = catalog
        .stories
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "title": s.title,
                "summary": s.summary,
                "steps": s.steps.len(),
                "links": [link(&request, "item", &story_path(s), "application/json", &s.title)],
            })
        })
        .collect();
    let body = json!({
        "stories": stories,
        "links": [
            link(&request, "self", "/stories", "application/json", "The stories"),
            link(&request, "alternate", "/stories?f=html", "text/html", "The stories as HTML"),
        ],
    });
    Ok(response::json(&request, body, Some(catalog.fingerprint)))
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    request.allow_only(&["f"])?;
    let catalog = state.catalog();
    let Some(story) = catalog.stories.iter().find(|s| s.id == id) else {
        let known: Vec<&str> = catalog.stories.iter().map(|s| s.id.as_str()).collect();
        return Err(ApiError::not_found(format!(
            "no story \"{id}\"; the stories are: {}",
            known.join(", ")
        )));
    };
    if request.format == Format::Html {
        return Ok(response::html(page(&story.title, &html_story(story))));
    }
    let mut document = story.document.clone();
    document.insert(
        "links".into(),
        json!([
            link(
                &request,
                "self",
                &story_path(story),
                "application/json",
                &story.title
            ),
            link(
                &request,
                "collection",
                "/stories",
                "application/json",
                "The stories"
            ),
        ]),
    );
    Ok(response::json(
        &request,
        Value::Object(document),
        Some(catalog.fingerprint),
    ))
}

/// The summary, then each step's date, title and caption.
fn html_story(story: &Story) -> String {
    let text = |v: &Value| escape(v.as_str().unwrap_or_default());
    let steps: String = story.document["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|step| {
            format!(
                "<li><strong>{} · {}</strong><br>{}</li>",
                text(&step["date"]),
                text(&step["title"]),
                text(&step["caption"])
            )
        })
        .collect();
    format!("<p>{}</p><ol>{steps}</ol>", escape(&story.summary))
}

/// The `/api` entries of the stories.
pub fn openapi_paths() -> Vec<(String, Value)> {
    let f = json!({"$ref": "#/components/parameters/f"});
    let ok = |what: &str| json!({"description": what, "content": {"application/json": {"schema": {"type": "object"}}, "text/html": {"schema": {"type": "string"}}}});
    vec![
        (
            "/stories".to_string(),
            json!({"get": {
                "summary": "The stories: guided tours through dated map states (id, title, summary, number of steps)",
                "operationId": "getStories",
                "tags": ["stories"],
                "parameters": [f],
                "responses": {"200": ok("The list of stories"), "400": {"$ref": "#/components/responses/BadRequest"}}
            }}),
        ),
        (
            "/stories/{storyId}".to_string(),
            json!({"get": {
                "summary": "One story as stored: title, summary, sources, and steps each with date, title, caption, view.bbox, highlight, org and sources (indices into the story's sources)",
                "operationId": "getStory",
                "tags": ["stories"],
                "parameters": [{"name": "storyId", "in": "path", "required": true, "schema": {"type": "string"}}, f],
                "responses": {
                    "200": ok("The story"),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "404": {"$ref": "#/components/responses/NotFound"}
                }
            }}),
        ),
    ]
}
