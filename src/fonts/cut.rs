//! Cutting a CID-keyed CFF program down to some of its glyphs: the program allsorts'
//! `CFF::subset` makes, byte for byte, with each glyph's subroutine calls looked up in
//! [`Outlines`], which a build's cuts of one face share. allsorts interprets every
//! glyph's outline again in each cut to find them, and that was most of a cut's time; a
//! build cuts its body face twice, for the PDF and for the EPUB's web font, at the same
//! time on the two cores.

use std::sync::{Mutex, PoisonError};

use allsorts::binary::read::{ReadArrayCow, ReadScope};
use allsorts::cff::charstring::{
    ArgumentsStack, CharStringVisitor, CharStringVisitorContext, SubroutineIndex, VisitOp,
};
use allsorts::cff::{
    CFFError, CFFFont, CFFVariant, CIDData, Charset, CustomCharset, FDSelect, FontDict, IndexU16,
    MaybeOwnedIndex, Operand, Operator, PrivateDict, CFF, MAX_OPERANDS,
};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::Result;

/// The subroutines each glyph's outline calls, for every glyph a build has cut so far,
/// by face ([`FaceId`]) and glyph.
#[derive(Default, Debug)]
pub struct Outlines {
    calls: Mutex<FxHashMap<(FaceId, u16), Calls>>,
}

/// The subroutines one glyph's outline calls, directly or from other subroutines (an
/// index may repeat).
#[derive(Default, Clone, Debug)]
struct Calls {
    global: Vec<usize>,
    local: Vec<usize>,
}

/// What allsorts' interpreter reports of one outline: its calls, and whether it ended
/// with `endchar` (allsorts' own cut refuses an outline that does not).
#[derive(Default)]
struct Reading {
    calls: Calls,
    ended: bool,
}

impl CharStringVisitor<f32, CFFError> for Reading {
    fn visit(&mut self, op: VisitOp, _: &ArgumentsStack<'_, f32>) -> Result<(), CFFError> {
        self.ended |= matches!(op, VisitOp::Endchar);
        Ok(())
    }

    fn enter_subr(&mut self, index: SubroutineIndex) -> Result<(), CFFError> {
        match index {
            SubroutineIndex::Local(i) => self.calls.local.push(i),
            SubroutineIndex::Global(i) => self.calls.global.push(i),
        }
        Ok(())
    }
}

/// The order in which a cut finds its glyphs' calls. Two cuts of one face running side
/// by side go in opposite orders, so that they meet in the middle rather than both
/// interpreting the same glyphs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Order {
    /// From the first glyph asked for to the last.
    FirstToLast,
    /// From the last glyph asked for to the first.
    LastToFirst,
}

/// The program `cff` (read from the `CFF ` table `table`) cut down to glyphs `ids`,
/// written out: the program allsorts' `CFF::subset(ids, true)` gives, for a CID-keyed
/// font. `None` when the font is not CID-keyed (allsorts then has to convert it). The
/// calls of the face `face`'s glyphs are taken from `outlines` or found in `order`; the
/// cut's INDEXes are laid out in `scratch`, which the cut borrows.
pub fn cid_keyed<'a>(
    cff: &CFF<'a>,
    table: &[u8],
    ids: &[u16],
    (face, outlines, order): (FaceId, &Outlines, Order),
    scratch: &'a mut Scratch,
) -> Result<Option<Vec<u8>>> {
    use allsorts::binary::write::{WriteBinary, WriteBuffer};

    let failed = |what, e: &dyn std::fmt::Debug| super::subset::subset_error(what, e);
    let Some(cut) = cut(cff, table, ids, (face, outlines, order), scratch)
        .map_err(|e| failed("CFF cut", &e))?
    else {
        return Ok(None);
    };
    let mut out = WriteBuffer::new();
    CFF::write(&mut out, &cut).map_err(|e| failed("CFF write", &e))?;
    Ok(Some(out.into_inner()))
}

/// A face: the address of its font file's bytes and its number in them, which stay put
/// for the whole build.
pub type FaceId = (usize, u32);

/// The bytes of a cut's INDEXes (allsorts writes an INDEX read from bytes as it reads
/// them): made by [`cid_keyed`], and borrowed by the cut until it is written out.
#[derive(Default)]
pub struct Scratch {
    global: Vec<u8>,
    char_strings: Vec<u8>,
    /// Each font DICT's local subroutines; empty when its glyphs call none.
    locals: Vec<Vec<u8>>,
}

/// The cut program of [`cid_keyed`].
fn cut<'a>(
    cff: &CFF<'a>,
    table: &[u8],
    ids: &[u16],
    (face, outlines, order): (FaceId, &Outlines, Order),
    scratch: &'a mut Scratch,
) -> std::result::Result<Option<CFF<'a>>, CFFError> {
    let font = &cff.fonts[0];
    let CFFVariant::CID(cid) = &font.data else {
        return Ok(None);
    };
    let calls = outlines.find(cff, ids, face, order)?;
    let mut global = FxHashSet::default();
    let mut local: Vec<FxHashSet<usize>> = vec![FxHashSet::default(); cid.private_dicts.len()];
    let mut charset = Vec::with_capacity(ids.len());
    let mut fd_select = Vec::with_capacity(ids.len());
    let mut char_strings = Vec::with_capacity(ids.len());
    for (new, (&glyph, calls)) in ids.iter().zip(&calls).enumerate() {
        let outline = font
            .char_strings_index
            .read_object(usize::from(glyph))
            .ok_or(bad())?;
        char_strings.push((new, outline));
        let dict = cid.fd_select.font_dict_index(glyph).ok_or(bad())?;
        global.extend(calls.global.iter().copied());
        if !calls.local.is_empty() {
            let used = local.get_mut(usize::from(dict)).ok_or(bad())?;
            used.extend(calls.local.iter().copied());
        }
        if glyph != 0 {
            charset.push(font.charset.id_for_glyph(glyph).ok_or(bad())?);
        }
        fd_select.push(dict);
    }
    scratch.char_strings = index_bytes(ids.len(), &char_strings)?;
    scratch.global = if global.is_empty() {
        index_bytes(0, &[])?
    } else {
        copied(&cff.global_subr_index, &global)?
    };
    scratch.locals = Vec::with_capacity(local.len());
    for (dict, used) in local.iter().enumerate() {
        scratch.locals.push(if used.is_empty() {
            Vec::new()
        } else {
            let source = cid.local_subr_indices[dict].as_ref().ok_or(bad())?;
            copied(source, used)?
        });
    }

    let scratch: &'a Scratch = scratch;
    let mut cut = cff.clone();
    cut.global_subr_index = read(&scratch.global)?;
    let cut_font = &mut cut.fonts[0];
    cut_font.char_strings_index = read(&scratch.char_strings)?;
    cut_font.charset = Charset::Custom(CustomCharset::Format0 {
        glyphs: ReadArrayCow::Owned(charset),
    });
    let CFFVariant::CID(cut_cid) = &mut cut_font.data else {
        return Ok(None);
    };
    for (dict, bytes) in scratch.locals.iter().enumerate() {
        if bytes.is_empty() {
            cut_cid.local_subr_indices[dict] = None;
            cut_cid.private_dicts[dict] = without_subrs(table, cid, dict)?;
        } else {
            cut_cid.local_subr_indices[dict] = Some(read(bytes)?);
        }
    }
    cut_cid.fd_select = FDSelect::Format0 {
        glyph_font_dict_indices: ReadArrayCow::Owned(fd_select),
    };
    Ok(Some(cut))
}

impl Outlines {
    /// The calls of each glyph of `ids` in `cff`, found now where no cut has found them
    /// yet, in `order`.
    fn find(
        &self,
        cff: &CFF<'_>,
        ids: &[u16],
        face: FaceId,
        order: Order,
    ) -> std::result::Result<Vec<Calls>, CFFError> {
        let known = |glyph: u16| {
            let calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
            calls.get(&(face, glyph)).cloned()
        };
        let mut found = vec![Calls::default(); ids.len()];
        let order: Box<dyn Iterator<Item = usize>> = match order {
            Order::FirstToLast => Box::new(0..ids.len()),
            Order::LastToFirst => Box::new((0..ids.len()).rev()),
        };
        for i in order {
            let glyph = ids[i];
            let calls = match known(glyph) {
                Some(calls) => calls,
                None => {
                    let calls = interpret(cff, glyph)?;
                    let mut all = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
                    all.insert((face, glyph), calls.clone());
                    calls
                }
            };
            found[i] = calls;
        }
        Ok(found)
    }
}

/// The subroutines glyph `glyph`'s outline calls, found by interpreting it; an error
/// where allsorts' own cut would fail, as for an outline without `endchar`.
fn interpret(cff: &CFF<'_>, glyph: u16) -> std::result::Result<Calls, CFFError> {
    let font = &cff.fonts[0];
    // a CID-keyed font's local subroutines are looked up by the interpreter
    let mut context = CharStringVisitorContext::new(
        glyph,
        &font.char_strings_index,
        None,
        &cff.global_subr_index,
        None,
    );
    let mut stack = ArgumentsStack {
        data: &mut [0.0; MAX_OPERANDS],
        len: 0,
        max_len: MAX_OPERANDS,
    };
    let mut reading = Reading::default();
    context.visit(CFFFont::CFF(font), &mut stack, &mut reading)?;
    if !reading.ended {
        return Err(CFFError::MissingEndChar);
    }
    Ok(reading.calls)
}

/// An INDEX as long as `source` with the entries `used` copied from it and the others
/// empty, so that the outlines' subroutine numbers still hold (as allsorts cuts them),
/// laid out.
fn copied(
    source: &MaybeOwnedIndex<'_>,
    used: &FxHashSet<usize>,
) -> std::result::Result<Vec<u8>, CFFError> {
    let mut used: Vec<usize> = used.iter().copied().collect();
    used.sort_unstable();
    let entries = used
        .into_iter()
        .map(|i| Ok((i, source.read_object(i).ok_or(bad())?)))
        .collect::<std::result::Result<Vec<_>, CFFError>>()?;
    index_bytes(source.len(), &entries)
}

/// An INDEX of `n` entries laid out as allsorts writes one it holds (offsets in as few
/// bytes as the last needs): the `entries` (each at its place, in order) and the others
/// empty.
fn index_bytes(n: usize, entries: &[(usize, &[u8])]) -> std::result::Result<Vec<u8>, CFFError> {
    let count = u16::try_from(n).map_err(|_| bad())?.to_be_bytes();
    if n == 0 {
        return Ok(count.to_vec());
    }
    let data: usize = entries.iter().map(|(_, entry)| entry.len()).sum();
    let last = u32::try_from(1 + data).map_err(|_| bad())?;
    let size: usize = match last {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xff_ffff => 3,
        _ => 4,
    };
    let mut out = Vec::with_capacity(3 + (n + 1) * size + data);
    out.extend_from_slice(&count);
    out.push(size as u8);
    let mut offset: u32 = 1;
    let mut next = entries.iter().peekable();
    for i in 0..=n {
        out.extend_from_slice(&offset.to_be_bytes()[4 - size..]);
        if let Some((_, entry)) = next.next_if(|(at, _)| *at == i) {
            offset += entry.len() as u32;
        }
    }
    for (_, entry) in entries {
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// The INDEX laid out in `bytes`.
fn read(bytes: &[u8]) -> std::result::Result<MaybeOwnedIndex<'_>, CFFError> {
    let index = ReadScope::new(bytes).read::<IndexU16>();
    Ok(MaybeOwnedIndex::Borrowed(
        index.map_err(CFFError::ParseError)?,
    ))
}

/// The Private DICT of font DICT `dict` without its `Subrs` entry, read again from the
/// bytes of `table` with the entry left out (a DICT's entries can only be read, not
/// taken away, outside allsorts): what allsorts gives a font DICT whose glyphs call no
/// local subroutine.
fn without_subrs(
    table: &[u8],
    cid: &CIDData<'_>,
    dict: usize,
) -> std::result::Result<PrivateDict, CFFError> {
    let font_dict = cid.font_dict_index.read_object(dict).ok_or(bad())?;
    let font_dict = ReadScope::new(font_dict)
        .read_dep::<FontDict>(MAX_OPERANDS)
        .map_err(CFFError::ParseError)?;
    let Some([Operand::Offset(length), Operand::Offset(offset)]) = font_dict.get(Operator::Private)
    else {
        return Err(bad());
    };
    let start = usize::try_from(*offset).map_err(|_| bad())?;
    let end = start + usize::try_from(*length).map_err(|_| bad())?;
    let bytes = table.get(start..end).ok_or(bad())?;
    let kept = dict_without(bytes, SUBRS).ok_or(bad())?;
    ReadScope::new(&kept)
        .read_dep::<PrivateDict>(MAX_OPERANDS)
        .map_err(CFFError::ParseError)
}

/// The `Subrs` operator of a Private DICT.
const SUBRS: u8 = 19;

/// The bytes of DICT `dict` with the entry of one-byte operator `operator` (and its
/// operands) left out; `None` when the DICT cannot be read.
fn dict_without(dict: &[u8], operator: u8) -> Option<Vec<u8>> {
    let mut kept = Vec::with_capacity(dict.len());
    let (mut entry, mut at) = (0, 0);
    while at < dict.len() {
        let b = dict[at];
        at += match b {
            // an operator (12 starts a two-byte one) ends the entry
            0..=21 => {
                let two_bytes = b == 12;
                let end = at + if two_bytes { 2 } else { 1 };
                if end > dict.len() {
                    return None;
                }
                if two_bytes || b != operator {
                    kept.extend_from_slice(&dict[entry..end]);
                }
                entry = end;
                end - at
            }
            28 => 3,
            29 => 5,
            // a real number: nibbles up to one of 0xf
            30 => {
                let rest = dict.get(at + 1..)?;
                let last = rest.iter().position(|&n| n >> 4 == 0xf || n & 0xf == 0xf)?;
                2 + last
            }
            32..=246 => 1,
            247..=254 => 2,
            _ => return None,
        };
    }
    (entry == dict.len()).then_some(kept)
}

/// The error of an index or number the font does not have.
fn bad() -> CFFError {
    CFFError::ParseError(allsorts::error::ParseError::BadIndex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::Face;
    use allsorts::binary::write::{WriteBinary, WriteBuffer};

    /// Face `face`'s `CFF ` table.
    fn table(face: Face) -> Vec<u8> {
        let font = ttf_parser::RawFace::parse(face.data(), 0).unwrap();
        let tag = ttf_parser::Tag::from_bytes(b"CFF ");
        font.table(tag).unwrap().to_vec()
    }

    /// allsorts' own cut of `cff` to `ids`, written out.
    fn theirs<'a>(cff: &'a CFF<'a>, ids: &[u16]) -> Vec<u8> {
        let cut: CFF<'_> = cff.subset(ids, true).unwrap().into();
        let mut out = WriteBuffer::new();
        CFF::write(&mut out, &cut).unwrap();
        out.into_inner()
    }

    #[test]
    fn every_glyph_of_every_bundled_face_is_cut_as_allsorts_cuts_it() {
        for face in Face::ALL {
            let data = table(face);
            let mut scratch: Vec<Scratch> = (0..50).map(|_| Scratch::default()).collect();
            let cff = ReadScope::new(&data).read::<CFF<'_>>().unwrap();
            let glyphs = cff.fonts[0].char_strings_index.len() as u16;
            let outlines = Outlines::default();
            // runs of neighbouring glyphs (one font DICT, shared subroutines) and glyphs
            // from all over the face (many font DICTs, some with no local subroutine)
            let all: Vec<u16> = (1..glyphs).collect();
            let mut sets: Vec<Vec<u16>> = all.chunks(997).map(<[u16]>::to_vec).collect();
            sets.push((1..glyphs).step_by(61).collect());
            sets.push(Vec::new());
            assert!(sets.len() <= scratch.len());
            for ((n, mut ids), scratch) in sets.into_iter().enumerate().zip(&mut scratch) {
                ids.insert(0, 0);
                let from = if n % 2 == 0 {
                    Order::FirstToLast
                } else {
                    Order::LastToFirst
                };
                let ours = cid_keyed(&cff, &data, &ids, ((0, 0), &outlines, from), scratch)
                    .unwrap()
                    .unwrap();
                assert!(ours == theirs(&cff, &ids), "{face:?}, set {n}");
            }
        }
    }

    #[test]
    fn cuts_sharing_their_outlines_are_cut_as_each_alone() {
        let data = table(Face::SerifRegular);
        let mut scratch: [Scratch; 4] = Default::default();
        let cff = ReadScope::new(&data).read::<CFF<'_>>().unwrap();
        let first: Vec<u16> = (0..3000).step_by(3).collect();
        let second: Vec<u16> = (0..1).chain((1500..4500).step_by(2)).collect();
        let shared = Outlines::default();
        let cuts = [(&first, Order::FirstToLast), (&second, Order::LastToFirst)];
        for ((ids, order), pair) in cuts.into_iter().zip(scratch.chunks_mut(2)) {
            let [one, two] = pair else { unreachable!() };
            let alone = cid_keyed(&cff, &data, ids, ((0, 0), &Outlines::default(), order), one);
            let together = cid_keyed(&cff, &data, ids, ((0, 0), &shared, order), two);
            assert_eq!(alone.unwrap(), together.unwrap());
        }
        // each glyph of either cut was interpreted once
        let union: std::collections::BTreeSet<u16> = first.iter().chain(&second).copied().collect();
        assert_eq!(shared.calls.lock().unwrap().len(), union.len());
    }

    #[test]
    fn an_outline_without_endchar_is_refused_as_allsorts_refuses_it() {
        // the stand-in program, its last glyph `return` instead of `endchar`
        let mut data = super::super::subset::STAND_IN.to_vec();
        *data.last_mut().unwrap() = 11;
        let cff = ReadScope::new(&data).read::<CFF<'_>>().unwrap();
        let last = u16::MAX - 1;
        assert!(cff.subset(&[0, last], true).is_err(), "allsorts refuses it");
        let mut scratch = Scratch::default();
        let how = ((0, 0), &Outlines::default(), Order::FirstToLast);
        assert!(cid_keyed(&cff, &data, &[0, last], how, &mut scratch).is_err());
        assert!(interpret(&cff, 1).is_ok(), "the others end");
    }

    #[test]
    fn a_dict_entry_is_left_out_with_its_operands() {
        // BlueValues (6) of two small integers, Subrs (19) of a 3-byte integer, a real
        // BlueScale (12 9: 0.039625), defaultWidthX (20) of a 5-byte integer
        let dict = [
            139, 140, 6, 28, 1, 0, 19, 30, 0x0a, 0x03, 0x96, 0x25, 0xff, 12, 9, 29, 0, 0, 3, 232,
            20,
        ];
        let kept = dict_without(&dict, SUBRS).unwrap();
        assert_eq!(
            kept,
            [139, 140, 6, 30, 0x0a, 0x03, 0x96, 0x25, 0xff, 12, 9, 29, 0, 0, 3, 232, 20]
        );
        assert_eq!(dict_without(&[139, 140], SUBRS), None, "operands left over");
        assert_eq!(dict_without(&[30, 0x12], SUBRS), None, "an unended real");
    }
}
