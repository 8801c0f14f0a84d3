//! `docker system df` (`cli/command/system/df.go`, `formatter/disk_usage.go`): images,
//! containers, local volumes and build cache, with the space each takes and could give back.

use crate::client::api::Api;
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format;
use crate::client::humanize::human_size;
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

    if p.on("verbose") {
        return Err(Fail::new("docker system df -v is not available in this playground"));
    }
    let fmt = if format.is_empty() || format == "table" { DF_TABLE.to_string() } else { format };
    let out = format::write(&fmt, &[images_row, containers_row, volumes_row, cache_row], &df_header()).map_err(Fail::new)?;
    cli.out(&out);
    Ok(Done::Exit(0))
}
