//! `docker system df` (`cli/command/system/df.go`, `formatter/disk_usage.go`): images,
//! containers, local volumes and build cache, with the space each takes and could give back.

use crate::client::api::Api;
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format;
use crate::client::humanize::{ago, human_size, human_size_precision};
use crate::client::json::Json;
use crate::client::template::{context, header, V};

const DF_TABLE: &str = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";

fn df_header() -> V {
    header(&[("Type", "TYPE"), ("TotalCount", "TOTAL"), ("Active", "ACTIVE"), ("Size", "SIZE"), ("Reclaimable", "RECLAIMABLE")])
}

fn row(kind: &str, total: usize, active: usize, size: String, reclaimable: String) -> V {
    context(
        "*formatter.diskUsageContext",
        vec![
            ("Active", V::Str(active.to_string())),
            ("Reclaimable", V::Str(reclaimable)),
            ("Size", V::Str(size)),
            ("TotalCount", V::Str(total.to_string())),
            ("Type", V::Str(kind.to_string())),
        ],
    )
}

/// `12.3MB (45%)` when there is anything at all, else just the size.
fn with_percent(reclaimable: i64, total: i64) -> String {
    if total > 0 {
        format!("{} ({}%)", human_size(reclaimable as f64), reclaimable * 100 / total)
    } else {
        human_size(reclaimable as f64)
    }
}

pub fn df(cli: &mut Cli, p: &Parsed) -> R {
    let format = p.value("format").unwrap_or("").to_string();
    cli.api.init();
    let resp = cli.api.get("/system/df", &[])?;
    let j = Api::json(&resp)?;
    let list = |key: &str| j.get(key).map(|v| v.as_arr().to_vec()).unwrap_or_default();
    let (images, containers, volumes, cache) = (list("Images"), list("Containers"), list("Volumes"), list("BuildCache"));

    let layers = j.i("LayersSize");
    let used: i64 = images.iter().filter(|i| i.i("Containers") != 0).filter(|i| i.i("VirtualSize") != -1 && i.i("SharedSize") != -1).map(|i| i.i("VirtualSize") - i.i("SharedSize")).sum();
    let images_row = row("Images", images.len(), images.iter().filter(|i| i.i("Containers") > 0).count(), human_size(layers as f64), with_percent(layers - used, layers));

    let active = |c: &Json| matches!(c.s("State").as_str(), "running" | "paused" | "restarting");
    let rw = |c: &Json| if c.i("SizeRw") == -1 { 0 } else { c.i("SizeRw") };
    let c_total: i64 = containers.iter().map(rw).sum();
    let c_free: i64 = containers.iter().filter(|c| !active(c)).map(rw).sum();
    let containers_row = row("Containers", containers.len(), containers.iter().filter(|c| active(c)).count(), human_size(c_total as f64), with_percent(c_free, c_total));

    let usage = |v: &Json, key: &str| v.get("UsageData").map(|u| u.i(key)).unwrap_or(-1);
    let v_total: i64 = volumes.iter().map(|v| usage(v, "Size")).filter(|s| *s != -1).sum();
    let v_free: i64 = volumes.iter().filter(|v| usage(v, "RefCount") == 0).map(|v| usage(v, "Size")).filter(|s| *s != -1).sum();
    let volumes_row = row("Local Volumes", volumes.len(), volumes.iter().filter(|v| usage(v, "RefCount") > 0).count(), human_size(v_total as f64), with_percent(v_free, v_total));

    let b_total: i64 = cache.iter().filter(|b| !b.b("Shared")).map(|b| b.i("Size")).sum();
    let b_free: i64 = cache.iter().filter(|b| !b.b("Shared") && !b.b("InUse")).map(|b| b.i("Size")).sum();
    let cache_row = row("Build Cache", cache.len(), cache.iter().filter(|b| b.b("InUse")).count(), human_size(b_total as f64), with_percent(b_free, b_total));

    if p.on("verbose") && (format.is_empty() || format == "table") {
        let now = cli.now_ns();
        let out = verbose(&images, &containers, &volumes, b_total, now)?;
        cli.out(&out);
        return Ok(Done::Exit(0));
    }
    let fmt = if format.is_empty() || format == "table" { DF_TABLE.to_string() } else { format };
    let out = format::write(&fmt, &[images_row, containers_row, volumes_row, cache_row], &df_header()).map_err(Fail::new)?;
    cli.out(&out);
    Ok(Done::Exit(0))
}

const IMAGES_TABLE: &str = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";
const CONTAINERS_TABLE: &str = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}";
const VOLUMES_TABLE: &str = "table {{.Name}}\t{{.Links}}\t{{.Size}}";
const CACHE_TABLE: &str = "table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}";

/// One image row of `df -v`: its first tag (none when dangling), sizes shared and its own.
fn image_row(i: &Json, now: i128) -> V {
    let tag = i.strings("RepoTags").into_iter().next().filter(|t| t != "<none>:<none>");
    let (repo, tag) = match tag.as_deref().and_then(|t| t.rsplit_once(':')) {
        Some((r, t)) if !r.contains('@') => (r.to_string(), t.to_string()),
        _ => ("<none>".to_string(), "<none>".to_string()),
    };
    let (size, shared) = (i.i("Size"), i.i("SharedSize"));
    let created = i.i("Created");
    context(
        "*formatter.imageContext",
        vec![
            ("Containers", V::Str(i.i("Containers").to_string())),
            ("CreatedAt", V::Str(format::go_time_string(created, 0))),
            ("CreatedSince", V::Str(ago(now, created as i128 * 1_000_000_000))),
            ("Digest", V::Str(String::new())),
            ("ID", V::Str(format::truncate_id(&i.s("Id")))),
            ("Repository", V::Str(repo)),
            ("SharedSize", V::Str(if shared == -1 { "N/A".into() } else { human_size(shared as f64) })),
            ("Size", V::Str(human_size_precision(size as f64, 3))),
            ("Tag", V::Str(tag)),
            ("UniqueSize", V::Str(if shared == -1 { "N/A".into() } else { human_size((size - shared) as f64) })),
            ("VirtualSize", V::Str(human_size(i.i("VirtualSize") as f64))),
        ],
    )
}

/// `docker system df -v`: a table per kind, under its title.
fn verbose(images: &[Json], containers: &[Json], volumes: &[Json], cache_size: i64, now: i128) -> Result<String, Fail> {
    let image_header = header(&[
        ("Repository", "REPOSITORY"),
        ("Tag", "TAG"),
        ("ID", "IMAGE ID"),
        ("CreatedSince", "CREATED"),
        ("Size", "SIZE"),
        ("SharedSize", "SHARED SIZE"),
        ("UniqueSize", "UNIQUE SIZE"),
        ("Containers", "CONTAINERS"),
    ]);
    let image_rows: Vec<V> = images.iter().map(|i| image_row(i, now)).collect();
    // The writable layer's size alone (no "virtual" size) in the SIZE column.
    let container_rows: Vec<V> = containers
        .iter()
        .map(|c| {
            let only_rw = match c {
                Json::Obj(f) => Json::Obj(f.iter().filter(|(k, _)| k != "SizeRootFs").cloned().collect()),
                other => other.clone(),
            };
            format::container_ctx(&only_rw, true, now)
        })
        .collect();
    let volume_rows: Vec<V> = volumes.iter().map(super::volume::volume_ctx).collect();
    let cache_header = header(&[
        ("ID", "CACHE ID"),
        ("CacheType", "CACHE TYPE"),
        ("Size", "SIZE"),
        ("CreatedSince", "CREATED"),
        ("LastUsedSince", "LAST USED"),
        ("UsageCount", "USAGE"),
        ("Shared", "SHARED"),
    ]);
    let t = |fmt: &str, rows: &[V], hdr: &V| format::write(fmt, rows, hdr).map_err(Fail::new);
    let mut out = String::from("Images space usage:\n\n");
    out.push_str(&t(IMAGES_TABLE, &image_rows, &image_header)?);
    out.push_str("\nContainers space usage:\n\n");
    out.push_str(&t(CONTAINERS_TABLE, &container_rows, &format::container_header())?);
    out.push_str("\nLocal Volumes space usage:\n\n");
    out.push_str(&t(VOLUMES_TABLE, &volume_rows, &super::volume::volume_header())?);
    out.push_str(&format!("\nBuild cache usage: {}\n\n", human_size(cache_size as f64)));
    out.push_str(&t(CACHE_TABLE, &[], &cache_header)?);
    Ok(out)
}
