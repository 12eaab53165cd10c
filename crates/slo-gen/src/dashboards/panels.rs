//! Grafana panels as JSON: stat, table and time series, laid out left to right on
//! Grafana's 24-column grid. Ids follow the order panels are added, so the same spec
//! always gives the same ids (Grafana keys links and edits by them).

use serde_json::{json, Value};

/// The data source every panel and query uses: the dashboard's `datasource` variable.
pub fn datasource() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

/// A query: instant (a table's or a stat's figure now) or over the time range.
pub struct Query {
    pub ref_id: String,
    pub expr: String,
    pub legend: String,
    pub instant: bool,
}

impl Query {
    pub fn instant(ref_id: &str, expr: String) -> Query {
        Query {
            ref_id: ref_id.into(),
            expr,
            legend: String::new(),
            instant: true,
        }
    }

    pub fn range(ref_id: &str, expr: String, legend: &str) -> Query {
        Query {
            ref_id: ref_id.into(),
            expr,
            legend: legend.into(),
            instant: false,
        }
    }

    fn to_json(&self, table: bool) -> Value {
        let mut target = json!({
            "datasource": datasource(),
            "editorMode": "code",
            "expr": self.expr,
            "format": if table { "table" } else { "time_series" },
            "instant": self.instant,
            "range": !self.instant,
            "refId": self.ref_id,
        });
        if !self.legend.is_empty() {
            target["legendFormat"] = json!(self.legend);
        }
        target
    }
}

/// Thresholds: the base colour, then each (value, colour) from there up.
pub fn thresholds(base: &str, steps: &[(f64, &str)]) -> Value {
    let mut list = vec![json!({"color": base, "value": null})];
    list.extend(
        steps
            .iter()
            .map(|(value, color)| json!({"color": color, "value": value})),
    );
    json!({"mode": "absolute", "steps": list})
}

/// A ratio shown as a percentage with three decimals (99.95% is not 100%).
pub const PERCENT: (&str, u32) = ("percentunit", 3);
/// A burn rate: how many times faster than sustainable.
pub const BURN: (&str, u32) = ("none", 2);
pub const COUNT: (&str, u32) = ("short", 0);

/// The panels of one dashboard, placed as they are added.
#[derive(Default)]
pub struct Board {
    panels: Vec<Value>,
    x: u64,
    y: u64,
    row_height: u64,
}

impl Board {
    /// Places a panel `w` columns wide and `h` high after the last one, on a new line when
    /// it does not fit.
    fn place(&mut self, mut panel: Value, w: u64, h: u64) {
        if self.x + w > 24 {
            self.x = 0;
            self.y += self.row_height;
            self.row_height = 0;
        }
        panel["id"] = json!(self.panels.len() + 1);
        panel["gridPos"] = json!({"h": h, "w": w, "x": self.x, "y": self.y});
        self.x += w;
        self.row_height = self.row_height.max(h);
        self.panels.push(panel);
    }

    pub fn into_panels(self) -> Vec<Value> {
        self.panels
    }

    fn panel(kind: &str, title: &str, description: &str, queries: &[Query]) -> Value {
        let table = kind == "table";
        json!({
            "type": kind,
            "title": title,
            "description": description,
            "datasource": datasource(),
            "targets": queries.iter().map(|q| q.to_json(table)).collect::<Vec<_>>(),
        })
    }

    /// One figure now, from an instant query.
    pub fn stat(&mut self, title: &str, description: &str, query: Query, unit: (&str, u32)) {
        let mut panel = Board::panel("stat", title, description, &[query]);
        panel["fieldConfig"] = json!({
            "defaults": {"unit": unit.0, "decimals": unit.1, "color": {"mode": "thresholds"},
                         "thresholds": thresholds("text", &[])},
            "overrides": [],
        });
        panel["options"] = json!({
            "colorMode": "value",
            "graphMode": "none",
            "justifyMode": "auto",
            "orientation": "auto",
            "percentChangeColorMode": "standard",
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
            "showPercentChange": false,
            "textMode": "value_and_name",
            "wideLayout": true,
        });
        self.place(panel, 6, 4);
    }

    /// A table of instant queries, one row per SLO: Grafana's merge joins the queries'
    /// rows on their shared labels (service, slo); `columns` names each query's value
    /// column and gives its unit, and the time columns are hidden.
    pub fn table(
        &mut self,
        title: &str,
        description: &str,
        columns: &[(Query, &str, (&str, u32))],
    ) {
        let queries: Vec<Query> = columns
            .iter()
            .map(|(q, _, _)| Query::instant(&q.ref_id, q.expr.clone()))
            .collect();
        let mut panel = Board::panel("table", title, description, &queries);
        let value = |q: &Query| format!("Value #{}", q.ref_id);
        let mut exclude = serde_json::Map::new();
        exclude.insert("Time".into(), json!(true));
        let mut rename = serde_json::Map::new();
        for (query, name, _) in columns {
            match name.is_empty() {
                true => exclude.insert(value(query), json!(true)),
                false => rename.insert(value(query), json!(name)),
            };
        }
        let overrides: Vec<Value> = (columns.iter())
            .filter(|(_, name, _)| !name.is_empty())
            .map(|(_, name, unit)| {
                json!({
                    "matcher": {"id": "byName", "options": name},
                    "properties": [{"id": "unit", "value": unit.0}, {"id": "decimals", "value": unit.1}],
                })
            })
            .collect();
        panel["fieldConfig"] = json!({"defaults": {}, "overrides": overrides});
        panel["options"] = json!({
            "cellHeight": "sm",
            "frameIndex": 0,
            "showHeader": true,
            "sortBy": [{"desc": false, "displayName": "slo"}],
        });
        panel["transformations"] = json!([
            {"id": "merge", "options": {}},
            {"id": "organize", "options": {"excludeByName": exclude, "renameByName": rename}},
        ]);
        self.place(panel, 24, 8);
    }

    /// Series over the dashboard's time range; `thresholds` are drawn as dashed lines.
    #[allow(clippy::too_many_arguments)]
    pub fn time_series(
        &mut self,
        title: &str,
        description: &str,
        queries: Vec<Query>,
        unit: (&str, u32),
        thresholds: Option<Value>,
        bars: bool,
        w: u64,
    ) {
        let mut panel = Board::panel("timeseries", title, description, &queries);
        let mut custom = json!({
            "drawStyle": if bars { "bars" } else { "line" },
            "fillOpacity": if bars { 60 } else { 0 },
            "lineWidth": 1,
            "showPoints": "never",
            "spanNulls": false,
        });
        let mut defaults =
            json!({"unit": unit.0, "decimals": unit.1, "color": {"mode": "palette-classic"}});
        if let Some(thresholds) = thresholds {
            custom["thresholdsStyle"] = json!({"mode": "dashed"});
            defaults["thresholds"] = thresholds;
        }
        if bars {
            custom["stacking"] = json!({"group": "A", "mode": "normal"});
        }
        defaults["custom"] = custom;
        panel["fieldConfig"] = json!({"defaults": defaults, "overrides": []});
        panel["options"] = json!({
            "legend": {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": true},
            "tooltip": {"mode": "multi", "sort": "none"},
        });
        self.place(panel, w, 8);
    }
}
