//! The CSV an admin imports (RFC 4180: comma-separated, fields in double quotes may hold commas,
//! line breaks and doubled quotes). Only the parsing; what the fields mean is `admin::import`'s.

/// The records of `text`, each with the line it starts on (1-based), or the first line that is
/// not CSV (an unclosed quote, text after a closing quote).
pub(crate) fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let mut out = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut start = 1;
    let mut chars = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .chars()
        .peekable();
    let mut quoted = false;
    let mut after_quote = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    after_quote = true;
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !after_quote => quoted = true,
            ',' => {
                record.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                if !(record.len() == 1 && record[0].is_empty()) {
                    out.push((start, std::mem::take(&mut record)));
                }
                record.clear();
                after_quote = false;
                line += 1;
                start = line;
            }
            _ if after_quote => return Err(line),
            c => field.push(c),
        }
    }
    if quoted {
        return Err(start);
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        out.push((start, record));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::records;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_breaks() {
        let r =
            records("phone,note\r\n+34600111222,\"a, \"\"b\"\"\nc\"\n\n+34600111223,x").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1], (2, vec!["+34600111222".into(), "a, \"b\"\nc".into()]));
        assert_eq!(r[2].0, 5);
    }

    #[test]
    fn an_unclosed_quote_is_refused_at_its_line() {
        assert_eq!(records("phone\n\"+34600"), Err(2));
        assert_eq!(records("phone\n\"+34\"x"), Err(2));
    }
}
