//! The edit form's text and the draft it becomes: the only logic of the contacts desk that lives
//! in the UI (how a form field holding several values is split and shown). The core cleans and
//! checks the draft again; this only turns text boxes into lists and back.

use std::collections::BTreeMap;

use headsup_protocol::contacts::ContactDraft;

/// Several values in one text box ("+34 600 111 222, +34 911 222 333"): split at commas,
/// semicolons and line breaks, trimmed, empty ones dropped. Spaces stay: phone numbers have them.
pub fn split_values(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// A list of values as one text box shows them.
pub fn join_values(values: &[String]) -> String {
    values.join(", ")
}

/// What the form's boxes say.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FormText {
    pub first_name: String,
    pub last_name: String,
    pub company: String,
    pub phones: String,
    pub emails: String,
    pub tags: String,
    /// Custom fields by key.
    pub fields: Vec<(String, String)>,
}

impl FormText {
    /// The draft sent to the core. Locked (masked) parts are the card's values as given: the core
    /// refuses a change to them and never sends them back to the LDS.
    pub fn draft(&self) -> ContactDraft {
        ContactDraft {
            first_name: self.first_name.trim().to_string(),
            last_name: self.last_name.trim().to_string(),
            company: self.company.trim().to_string(),
            phones: split_values(&self.phones),
            emails: split_values(&self.emails),
            tags: split_values(&self.tags),
            fields: self
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.trim().to_string()))
                .filter(|(_, v)| !v.is_empty())
                .collect::<BTreeMap<_, _>>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_values_split_at_commas_semicolons_and_lines() {
        assert_eq!(
            split_values(" +34 600 111 222, +34 911;\n\n x@y.z ,"),
            vec!["+34 600 111 222", "+34 911", "x@y.z"]
        );
        assert!(split_values(" , ;\n").is_empty());
    }

    #[test]
    fn joined_values_split_back_to_the_same_list() {
        let values = vec!["+34 600 111 222".to_string(), "a@b.c".to_string()];
        assert_eq!(split_values(&join_values(&values)), values);
    }

    #[test]
    fn the_draft_trims_and_drops_empty_custom_fields() {
        let text = FormText {
            first_name: " Ana ".into(),
            tags: "vip, , new".into(),
            fields: vec![
                ("plan".into(), " Gold ".into()),
                ("note".into(), "  ".into()),
            ],
            ..FormText::default()
        };
        let draft = text.draft();
        assert_eq!(draft.first_name, "Ana");
        assert_eq!(draft.tags, vec!["vip", "new"]);
        assert_eq!(draft.fields.len(), 1);
        assert_eq!(draft.fields["plan"], "Gold");
    }
}
