//! The trade document: every record a user keeps, as saved in a `.ron` file.
//!
//! All structs deny unknown fields so that a misspelt field name is reported with its
//! line and column instead of being silently dropped on the next save.

use serde::{Deserialize, Serialize};

use super::dataset::DatasetLink;
use super::date::PartialDate;
use super::list::RecordList;

/// The file format version this build writes and the newest it can read.
pub const FORMAT_VERSION: u32 = 1;

/// Identifier of a record, unique among the records of its kind.
pub type Id = u32;

/// A whole trade document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Version of the file format; files from a newer version are refused.
    pub format_version: u32,
    /// Title shown in the window and on the overview.
    #[serde(default)]
    pub title: String,
    /// Free notes about the document.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Where the figures come from; every record cites one of these by id.
    #[serde(default)]
    pub sources: RecordList<Source>,
    /// Countries and groups in use, with display names and the document's own group codes.
    #[serde(default)]
    pub countries: RecordList<CountryEntry>,
    /// Product categories referred to by trade records.
    #[serde(default)]
    pub categories: RecordList<Category>,
    /// Trade volumes between pairs of countries.
    #[serde(default)]
    pub trade: RecordList<TradeVolume>,
    /// Investments, pledges, invitations and agreements.
    #[serde(default)]
    pub investments: RecordList<Investment>,
    /// Indicators and policy targets.
    #[serde(default)]
    pub indicators: RecordList<Indicator>,
    /// Statements about a relationship that are not numbers (corridors, connectivity, intentions).
    #[serde(default)]
    pub facts: RecordList<Fact>,
    /// Imported data files linked from the document (read-only rows, shown in every view).
    #[serde(default, skip_serializing_if = "RecordList::is_empty")]
    pub datasets: RecordList<DatasetLink>,
}

impl Default for Document {
    fn default() -> Self {
        Self {
            format_version: FORMAT_VERSION,
            title: String::new(),
            notes: String::new(),
            sources: RecordList::new(),
            countries: RecordList::new(),
            categories: RecordList::new(),
            trade: RecordList::new(),
            investments: RecordList::new(),
            indicators: RecordList::new(),
            facts: RecordList::new(),
            datasets: RecordList::new(),
        }
    }
}

impl Document {
    /// An empty document of the current format version.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of records of every kind together (sources included).
    pub fn record_count(&self) -> usize {
        self.sources.len()
            + self.countries.len()
            + self.categories.len()
            + self.trade.len()
            + self.investments.len()
            + self.indicators.len()
            + self.facts.len()
    }

    /// The source with this id, if any.
    pub fn source(&self, id: Id) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The category with this code, if any.
    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }
}

/// A country or a group of countries declared by the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryEntry {
    /// ISO 3166-1 alpha-3 code, or the document's own code for a group (e.g. `EU`, `WLD`).
    pub code: String,
    /// Display name; empty means "use the ISO 3166 name".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// True for groups (World, EU, …), whose codes need not be ISO codes.
    #[serde(default, skip_serializing_if = "is_false")]
    pub group: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Direction of a trade volume, seen from the reporter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Flow {
    /// Goods from the reporter to the partner.
    Export,
    /// Goods from the partner to the reporter.
    Import,
    /// Trade both ways together, as sources often report only that.
    Total,
}

impl Flow {
    /// Every flow, in display order.
    pub const ALL: [Flow; 3] = [Flow::Export, Flow::Import, Flow::Total];

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Flow::Export => "Export",
            Flow::Import => "Import",
            Flow::Total => "Total trade",
        }
    }
}

/// A quantity with its unit, e.g. 1200 tonnes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    /// The amount.
    pub amount: f64,
    /// The unit, e.g. `t`, `kg`, `units`.
    pub unit: String,
}

/// A trade volume between two countries in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TradeVolume {
    /// Unique among trade records.
    pub id: Id,
    /// The year the figure covers; absent when the source names a flow without a period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Country whose view the record takes (for totals: the side the figure is attributed to).
    pub reporter: String,
    /// The other country.
    pub partner: String,
    /// Export, import or total trade both ways.
    pub flow: Flow,
    /// Category code, if the record is about one category of goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Value in US dollars; absent when the source names the flow without a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_usd: Option<f64>,
    /// Physical quantity, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// The source this figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Id>,
    /// Free note, e.g. how the source attributes the figure.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A product category: an HS chapter, heading or subheading, or a custom code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// HS code (2, 4 or 6 digits) where the match is unambiguous, else a custom code.
    pub code: String,
    /// Name as used by the source.
    pub name: String,
    /// Free note, e.g. why no HS code was assigned.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Category {
    /// True when the code looks like an HS code (2, 4 or 6 digits).
    pub fn is_hs(&self) -> bool {
        is_hs_code(&self.code)
    }
}

/// True for 2, 4 or 6 ASCII digits.
pub fn is_hs_code(code: &str) -> bool {
    matches!(code.len(), 2 | 4 | 6) && code.bytes().all(|b| b.is_ascii_digit())
}

/// What kind of investment or agreement a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InvestmentKind {
    /// A promise of money.
    Pledge,
    /// One side invites the other to invest.
    Invitation,
    /// A memorandum of understanding.
    Mou,
    /// A joint venture between firms or states.
    JointVenture,
    /// A projection of potential flows, not a commitment.
    Projection,
}

impl InvestmentKind {
    /// Every kind, in display order.
    pub const ALL: [InvestmentKind; 5] = [
        InvestmentKind::Pledge,
        InvestmentKind::Invitation,
        InvestmentKind::Mou,
        InvestmentKind::JointVenture,
        InvestmentKind::Projection,
    ];

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            InvestmentKind::Pledge => "Pledge",
            InvestmentKind::Invitation => "Invitation",
            InvestmentKind::Mou => "MoU",
            InvestmentKind::JointVenture => "Joint venture",
            InvestmentKind::Projection => "Projection",
        }
    }
}

/// What a stated amount means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AmountBasis {
    /// Promised.
    Pledged,
    /// Contractually committed.
    Committed,
    /// A projection or estimate of potential.
    Projected,
}

impl AmountBasis {
    /// Every basis, in display order.
    pub const ALL: [AmountBasis; 3] = [
        AmountBasis::Pledged,
        AmountBasis::Committed,
        AmountBasis::Projected,
    ];

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            AmountBasis::Pledged => "Pledged",
            AmountBasis::Committed => "Committed",
            AmountBasis::Projected => "Projected",
        }
    }
}

/// Where an investment or agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    /// Investment has been invited.
    Invited,
    /// Proposed or under discussion.
    Proposed,
    /// Expected to be signed or to happen.
    Expected,
    /// Signed.
    Signed,
    /// Being carried out.
    UnderWay,
    /// Carried out.
    Realised,
    /// Stalled.
    Stalled,
    /// Cancelled.
    Cancelled,
}

impl Status {
    /// Every status, in the order a project moves through them.
    pub const ALL: [Status; 8] = [
        Status::Invited,
        Status::Proposed,
        Status::Expected,
        Status::Signed,
        Status::UnderWay,
        Status::Realised,
        Status::Stalled,
        Status::Cancelled,
    ];

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            Status::Invited => "Invited",
            Status::Proposed => "Proposed",
            Status::Expected => "Expected",
            Status::Signed => "Signed",
            Status::UnderWay => "Under way",
            Status::Realised => "Realised",
            Status::Stalled => "Stalled",
            Status::Cancelled => "Cancelled",
        }
    }
}

/// An investment, pledge, invitation, MoU, joint venture or projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Investment {
    /// Unique among investment records.
    pub id: Id,
    /// Short title.
    pub title: String,
    /// Countries taking part.
    #[serde(default)]
    pub parties: Vec<String>,
    /// Firms or organisations taking part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organisations: Vec<String>,
    /// Country where the investment would be made, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Sector or sectors.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sector: String,
    /// Pledge, invitation, MoU, joint venture or projection.
    pub kind: InvestmentKind,
    /// Stated amount in US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<f64>,
    /// What the amount means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_basis: Option<AmountBasis>,
    /// Where it stands.
    pub status: Status,
    /// When it was announced, to the precision the source gives; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<PartialDate>,
    /// Year by which it is meant to be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_year: Option<i32>,
    /// What was said.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The source of the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Id>,
}

/// Whether an indicator value is a target or an observed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IndicatorKind {
    /// A policy target.
    Target,
    /// An observed value.
    Actual,
}

impl IndicatorKind {
    /// Every kind, in display order.
    pub const ALL: [IndicatorKind; 2] = [IndicatorKind::Target, IndicatorKind::Actual];

    /// Human-readable name.
    pub fn label(self) -> &'static str {
        match self {
            IndicatorKind::Target => "Target",
            IndicatorKind::Actual => "Actual",
        }
    }
}

/// An indicator value or a policy target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Unique among indicator records.
    pub id: Id,
    /// Country the indicator is about.
    pub country: String,
    /// What is measured, e.g. "EV share of new vehicle sales".
    pub name: String,
    /// Segment, e.g. "Buses"; empty when the indicator has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub segment: String,
    /// Year the value is for; absent when the source gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// The value, in `unit`.
    pub value: f64,
    /// Unit, e.g. `%`, `USD`, `t`.
    pub unit: String,
    /// Target or actual.
    pub kind: IndicatorKind,
    /// The source of the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Id>,
    /// Free note, e.g. the policy the target belongs to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A source of figures: an article, a statistics release, a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Unique among sources; records cite sources by this id.
    pub id: Id,
    /// Title of the article or dataset.
    pub title: String,
    /// Publisher, e.g. "Arab News".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub publisher: String,
    /// Link, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Publication date, to the precision known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    /// Free note, e.g. to whom the source attributes a figure.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A statement about a relationship that is not a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Unique among facts.
    pub id: Id,
    /// Countries the fact is about.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Topic, e.g. "Connectivity".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub topic: String,
    /// The statement.
    pub text: String,
    /// The source of the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Id>,
}
