//! Page fingerprints made from the very values templates get.
//!
//! A page's fingerprint is [`print_of`] its template context: the context is
//! serialised into a hasher instead of into JSON, through the same
//! `Serialize` impls that give the template its values. A field added to a
//! view is therefore part of the page's fingerprint without anyone writing
//! it twice, and a value the template can read but the fingerprint does not
//! see cannot exist (but for an article's body, see `article.rs`).

use rustc_hash::FxHasher;
use serde::ser::{self, Serialize, Serializer};
use std::hash::Hasher;

/// The fingerprint of a value: everything its `Serialize` impl writes, with
/// each value's kind, each string's length and each field's name, so that
/// two different values (`["ab"]` and `["a", "b"]`, `null` and `""`) do not
/// write the same stream.
pub(crate) fn print_of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut printer = Printer(FxHasher::default());
    // Nothing in the printer fails; a value whose own impl fails (it cannot
    // be rendered either) gets a print of what it wrote, marked.
    if value.serialize(&mut printer).is_err() {
        printer.0.write_u8(tag::FAILED);
    }
    printer.0.finish()
}

/// A value shown on many pages (an article's summary, the site's values),
/// its print made once: templates get the value, a print gets the value's
/// print. The value cannot change after it is printed (there is no `&mut`
/// access), so the two stay the same thing.
pub(crate) struct Printed<T> {
    value: T,
    print: u64,
}

impl<T: Serialize> Printed<T> {
    /// The value with its print.
    pub(crate) fn new(value: T) -> Self {
        let print = print_of(&value);
        Printed { value, print }
    }

    /// [`print_of`] the value.
    pub(crate) fn print(&self) -> u64 {
        self.print
    }
}

impl<T> std::ops::Deref for Printed<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize> Serialize for Printed<T> {
    /// The value for a template (JSON is human-readable); its print for a
    /// fingerprint (the printer is not: a print is the compact form).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            self.value.serialize(serializer)
        } else {
            serializer.serialize_u64(self.print)
        }
    }
}

/// What each piece of the stream is, written before it.
mod tag {
    pub(super) const BOOL: u8 = 1;
    pub(super) const INT: u8 = 2;
    pub(super) const UINT: u8 = 3;
    pub(super) const FLOAT: u8 = 4;
    pub(super) const CHAR: u8 = 5;
    pub(super) const STR: u8 = 6;
    pub(super) const BYTES: u8 = 7;
    pub(super) const NONE: u8 = 8;
    pub(super) const SOME: u8 = 9;
    pub(super) const UNIT: u8 = 10;
    pub(super) const VARIANT: u8 = 11;
    pub(super) const SEQ: u8 = 12;
    pub(super) const MAP: u8 = 13;
    pub(super) const ITEM: u8 = 14;
    pub(super) const KEY: u8 = 15;
    pub(super) const VALUE: u8 = 16;
    pub(super) const END: u8 = 17;
    pub(super) const INT128: u8 = 18;
    // All below b'0', the lowest byte of a field name (see `Printer::field`).
    pub(super) const FAILED: u8 = 0xff;
}

/// A serde serialiser that writes into a hasher.
struct Printer(FxHasher);

impl Printer {
    fn str(&mut self, text: &str) {
        self.0.write_u8(tag::STR);
        self.0.write_usize(text.len());
        self.0.write(text.as_bytes());
    }
}

/// A value's own `Serialize` impl failed (the printer never does).
#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value could not be serialised")
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Failed
    }
}

type Done = Result<(), Failed>;

impl Serializer for &mut Printer {
    type Ok = ();
    type Error = Failed;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Done {
        self.0.write_u8(tag::BOOL);
        self.0.write_u8(v as u8);
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Done {
        self.0.write_u8(tag::INT);
        self.0.write_i64(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Done {
        self.0.write_u8(tag::INT128);
        self.0.write_i128(v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Done {
        self.0.write_u8(tag::UINT);
        self.0.write_u64(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Done {
        self.0.write_u8(tag::INT128);
        self.0.write_u128(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Done {
        self.0.write_u8(tag::FLOAT);
        self.0.write_u64(v.to_bits());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Done {
        self.0.write_u8(tag::CHAR);
        self.0.write_u32(v.into());
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Done {
        self.str(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.0.write_u8(tag::BYTES);
        self.0.write_usize(v.len());
        self.0.write(v);
        Ok(())
    }

    fn serialize_none(self) -> Done {
        self.0.write_u8(tag::NONE);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.0.write_u8(tag::SOME);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Done {
        self.0.write_u8(tag::UNIT);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Done {
        self.0.write_u8(tag::VARIANT);
        self.str(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Done {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.0.write_u8(tag::VARIANT);
        self.str(variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Failed> {
        self.0.write_u8(tag::SEQ);
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self, Failed> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Failed> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Failed> {
        self.0.write_u8(tag::VARIANT);
        self.str(variant);
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Failed> {
        self.0.write_u8(tag::MAP);
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, Failed> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Failed> {
        self.0.write_u8(tag::VARIANT);
        self.str(variant);
        self.serialize_map(Some(len))
    }
}

impl Printer {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.0.write_u8(tag::ITEM);
        value.serialize(self)
    }

    /// A struct's field: its name, then its value. A field name is a Rust
    /// identifier (bytes from `0` up) and every value starts with a tag
    /// (below `0`), so the name needs no length: two writes a field rather
    /// than five, where most of a print's time goes.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.0.write_u8(tag::KEY);
        self.0.write(key.as_bytes());
        value.serialize(self)
    }

    fn end(&mut self) -> Done {
        self.0.write_u8(tag::END);
        Ok(())
    }
}

impl ser::SerializeSeq for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

impl ser::SerializeTuple for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.item(value)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

impl ser::SerializeMap for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.0.write_u8(tag::KEY);
        key.serialize(&mut **self)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.0.write_u8(tag::VALUE);
        value.serialize(&mut **self)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

impl ser::SerializeStruct for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.field(key, value)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

impl ser::SerializeStructVariant for &mut Printer {
    type Ok = ();
    type Error = Failed;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.field(key, value)
    }

    fn end(self) -> Done {
        Printer::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// Every leaf of a JSON value, changed in turn (strings, numbers,
    /// booleans and nulls each to something else).
    fn each_leaf_changed(value: &Value) -> Vec<Value> {
        let mut out = Vec::new();
        match value {
            Value::Array(items) => {
                for (n, item) in items.iter().enumerate() {
                    for changed in each_leaf_changed(item) {
                        let mut copy = items.clone();
                        copy[n] = changed;
                        out.push(Value::Array(copy));
                    }
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    for changed in each_leaf_changed(item) {
                        let mut copy = map.clone();
                        copy.insert(key.clone(), changed);
                        out.push(Value::Object(copy));
                    }
                }
            }
            Value::String(s) => out.push(Value::String(format!("{s}x"))),
            Value::Number(n) => out.push(json!(n.as_f64().unwrap_or_default() + 1.0)),
            Value::Bool(b) => out.push(Value::Bool(!b)),
            Value::Null => out.push(Value::String(String::new())),
        }
        out
    }

    #[test]
    fn every_leaf_of_a_value_is_in_its_print() {
        let value = json!({
            "title": "عنوان", "n": 3, "flag": true, "none": null,
            "list": ["a", "b", {"url": "/x/", "score": 0.5}],
            "nested": {"deep": {"deeper": [1, 2, 3]}},
        });
        let print = print_of(&value);
        let changed = each_leaf_changed(&value);
        assert_eq!(changed.len(), 11);
        for other in changed {
            assert_ne!(print_of(&other), print, "{other}");
        }
    }

    #[test]
    fn lengths_and_kinds_are_part_of_the_print() {
        assert_ne!(print_of(&["ab"]), print_of(&["a", "b"]));
        assert_ne!(print_of(&None::<&str>), print_of(&Some("")));
        assert_ne!(print_of(&json!({"a": "b"})), print_of(&json!({"ab": ""})));
        assert_ne!(print_of(&(1u32, 2u32)), print_of(&[(1u32,), (2u32,)]));
        assert_eq!(print_of(&json!({"a": [1]})), print_of(&json!({"a": [1]})));
    }

    #[test]
    fn printed_values_print_as_their_print_and_render_as_themselves() {
        let one = Printed::new(json!({"title": "أ"}));
        let two = Printed::new(json!({"title": "ب"}));
        assert_eq!(one.print(), print_of(&json!({"title": "أ"})));
        assert_ne!(print_of(&[&one]), print_of(&[&two]));
        assert_eq!(serde_json::to_value(&one).ok(), Some(json!({"title": "أ"})));
    }
}
