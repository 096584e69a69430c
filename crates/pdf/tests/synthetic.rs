//! The interpreter on small PDFs built here with lopdf: text state (Tw, Tz, TJ), ActualText,
//! filled and stroked rectangles, image placement, and /Rotate, each with exact expectations.

use lopdf::{dictionary, Document as LoDoc, Object, Stream};
use nenpo_pdf::{Direction, Document};

/// A one-page PDF (200 x 100 pt) with Helvetica as /F1, an image /Im1 and the given content.
fn pdf(content: &str, rotate: i64) -> Vec<u8> {
    let mut doc = LoDoc::with_version("1.5");
    let font = doc.add_object(
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
    );
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 10, "Height" => 5,
        "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray", "Filter" => "DCTDecode" },
        vec![0xff, 0xd8, 0xff, 0xd9],
    ));
    let contents = doc.add_object(Stream::new(dictionary! {}, content.as_bytes().to_vec()));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => contents, "Rotate" => rotate,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 200.into(), 100.into()],
            "Resources" => dictionary! {
                "Font" => dictionary! { "F1" => font },
                "XObject" => dictionary! { "Im1" => image },
            },
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

#[test]
fn text_state_and_widths() {
    // Helvetica widths: A 667, B 667, space 278, a 556.
    let bytes = pdf(
        "BT /F1 10 Tf 1 0 0 1 10 80 Tm 5 Tw (A B) Tj ET \
         BT /F1 10 Tf 200 Tz 1 0 0 1 10 60 Tm [(A) -1000 (B)] TJ ET",
        0,
    );
    let doc = Document::load(&bytes, None).unwrap();
    let p = doc.page(1).unwrap();
    let t: Vec<(&str, f64, f64)> = p
        .glyphs
        .iter()
        .map(|g| (g.text.as_str(), g.bbox.x0, g.bbox.x1))
        .collect();
    assert_eq!(t.len(), 5, "{t:?}");
    assert!(close(t[0].1, 10.0) && close(t[0].2, 16.67), "{t:?}");
    // Tw applies to the single-byte space code: B starts after A, the space and 5 pt.
    assert!(close(t[2].1, 10.0 + 6.67 + 2.78 + 5.0), "{t:?}");
    // Tz 200 doubles widths and TJ adjustments.
    assert!(close(t[3].2 - t[3].1, 13.34), "{t:?}");
    assert!(close(t[4].1, 10.0 + 13.34 + 20.0), "{t:?}");
    let a = &p.glyphs[0];
    assert!(
        close(a.bbox.top, 20.0 - 8.8) && close(a.bbox.bottom, 21.2),
        "{a:?}"
    );
    assert_eq!(a.direction, Direction::LeftToRight);
    assert!(close(a.size, 10.0));
}

#[test]
fn actual_text_replaces_its_glyphs() {
    let bytes = pdf("/Span <</ActualText (XY)>> BDC BT /F1 10 Tf 1 0 0 1 10 40 Tm (ab) Tj ET EMC BT /F1 10 Tf (c) Tj ET", 0);
    let doc = Document::load(&bytes, None).unwrap();
    let p = doc.page(1).unwrap();
    let texts: Vec<&str> = p.glyphs.iter().map(|g| g.text.as_str()).collect();
    assert_eq!(texts, vec!["XY", "c"]);
    assert!(
        close(p.glyphs[0].bbox.x0, 10.0) && close(p.glyphs[0].bbox.x1, 21.12),
        "{:?}",
        p.glyphs[0]
    );
}

#[test]
fn rectangles_lines_and_images() {
    let bytes = pdf(
        "1 g 0 0 50 20 re f 0 g 10 10 30 5 re f 0.5 0.5 0.5 rg 10 10 m 40 10 l 40 11 l 10 11 l h f \
         2 w 100 10 50 20 re S 0 0 m 10 10 20 10 30 0 c S \
         q 20 0 0 10 150 70 cm /Im1 Do Q",
        0,
    );
    let doc = Document::load(&bytes, None).unwrap();
    let p = doc.page(1).unwrap();
    assert_eq!(p.fills.len(), 3, "{:?}", p.fills);
    assert!(p.fills[0].white && !p.fills[1].white && !p.fills[2].white);
    let r = p.fills[1].rect;
    assert!(
        close(r.x0, 10.0) && close(r.x1, 40.0) && close(r.top, 85.0) && close(r.bottom, 90.0),
        "{r:?}"
    );
    assert_eq!(p.lines.len(), 4, "curves are not lines: {:?}", p.lines);
    assert!(p.lines.iter().all(|l| close(l.width, 2.0)));
    assert_eq!(p.images.len(), 1);
    let im = &p.images[0];
    assert!(
        close(im.bbox.x0, 150.0)
            && close(im.bbox.x1, 170.0)
            && close(im.bbox.top, 20.0)
            && close(im.bbox.bottom, 30.0)
    );
    assert_eq!(
        (im.width, im.height, im.filter.as_str()),
        (10, 5, "DCTDecode")
    );
}

/// A spreadsheet writer's cell border: drawn 50 pt long, clipped to its 20 pt row. Only
/// the clipped part is a line; the clip ends with its `Q`; a stroke wholly outside the
/// clip is no line; a fill is cut to the clip.
#[test]
fn strokes_and_fills_are_cut_to_the_clip() {
    let bytes = pdf(
        "q 10 10 m 12 10 l 12 30 l 10 30 l h W* n 11 10 m 11 60 l S 50 10 m 50 30 l S \
         0 0 100 100 re f Q 11 70 m 11 80 l S",
        0,
    );
    let doc = Document::load(&bytes, None).unwrap();
    let p = doc.page(1).unwrap();
    let lens: Vec<f64> = p
        .lines
        .iter()
        .map(|l| (l.b.y - l.a.y).abs() + (l.b.x - l.a.x).abs())
        .collect();
    // 20 pt of the row and half the stroke's width (0.5 pt) past its top edge.
    assert_eq!(lens.len(), 2, "{:?}", p.lines);
    assert!(
        (lens[0] - 20.5).abs() < 0.01 && close(lens[1], 10.0),
        "{lens:?}"
    );
    assert_eq!(p.fills.len(), 1);
    let r = p.fills[0].rect;
    assert!(
        close(r.x0, 10.0) && close(r.x1, 12.0) && close(r.bottom - r.top, 20.0),
        "{r:?}"
    );
}

#[test]
fn page_rotation_maps_to_displayed_frame() {
    let bytes = pdf(
        "BT /F1 10 Tf 1 0 0 1 10 80 Tm (A) Tj ET 0 g 10 10 30 5 re f",
        90,
    );
    let doc = Document::load(&bytes, None).unwrap();
    let p = doc.page(1).unwrap();
    assert_eq!((p.rotate, p.width, p.height), (90, 100.0, 200.0));
    let a = &p.glyphs[0];
    // Rotated 90° clockwise: user (x, y) is displayed at (y, x); text runs downwards.
    assert_eq!(a.direction, Direction::TopToBottom);
    assert!(
        close(a.bbox.top, 10.0) && close(a.bbox.bottom, 16.67),
        "{a:?}"
    );
    assert!(
        close(a.bbox.x0, 80.0 - 1.2) && close(a.bbox.x1, 88.8),
        "{a:?}"
    );
    let r = p.fills[0].rect;
    assert!(
        close(r.x0, 10.0) && close(r.x1, 15.0) && close(r.top, 10.0) && close(r.bottom, 40.0),
        "{r:?}"
    );

    let bytes = pdf("BT /F1 10 Tf 1 0 0 1 10 80 Tm (A) Tj ET", 270);
    let p = Document::load(&bytes, None).unwrap().page(1).unwrap();
    let a = &p.glyphs[0];
    assert_eq!(a.direction, Direction::BottomToTop);
    assert!(
        close(a.bbox.bottom, 190.0) && close(a.bbox.top, 183.33),
        "{a:?}"
    );
}

#[test]
fn undecodable_codes_are_counted_not_emitted() {
    // A Type3-like font with glyph names that mean nothing.
    let mut doc = LoDoc::with_version("1.5");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type3", "FontMatrix" => vec![0.001.into(), 0.into(), 0.into(), 0.001.into(), 0.into(), 0.into()],
        "FontBBox" => vec![0.into(), 0.into(), 1000.into(), 1000.into()], "FirstChar" => 65, "LastChar" => 66,
        "Widths" => vec![500.into(), 500.into()],
        "Encoding" => dictionary! { "Differences" => vec![65.into(), Object::Name(b"g12".to_vec()), Object::Name(b"B".to_vec())] },
        "CharProcs" => dictionary! {},
    });
    let contents = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /T 10 Tf 10 10 Td (AB) Tj ET".to_vec(),
    ));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(
        dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        "Resources" => dictionary! { "Font" => dictionary! { "T" => font } } },
    );
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let p = Document::load(&bytes, None).unwrap().page(1).unwrap();
    assert_eq!(p.undecoded_glyphs, 1);
    assert_eq!(p.glyphs.len(), 1);
    assert_eq!(p.glyphs[0].text, "B");
    assert!(
        close(p.glyphs[0].bbox.x0, 15.0) && close(p.glyphs[0].bbox.width(), 5.0),
        "{:?}",
        p.glyphs[0]
    );
    // Default page size is Letter.
    assert_eq!((p.width, p.height), (612.0, 792.0));
}

/// The image stream's /DecodeParms predictor and whether /Decode remaps its samples, for
/// the OCR stage's decoder (a PNG-predicted Flate scan; an inverted one).
#[test]
fn image_streams_carry_predictor_and_decode() {
    let mut doc = LoDoc::with_version("1.5");
    let mut image = |extra: lopdf::Dictionary| {
        let mut d = dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 10,
        "Height" => 5, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray",
        "Filter" => vec![Object::Name(b"FlateDecode".to_vec())] };
        d.extend(&extra);
        doc.add_object(Stream::new(
            d,
            vec![0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ))
    };
    let plain = image(dictionary! {});
    let png = image(dictionary! {
        "DecodeParms" => vec![Object::Dictionary(dictionary! { "Predictor" => 15, "Columns" => 10 })],
        "Decode" => vec![0.into(), 1.into()],
    });
    let inverted = image(dictionary! { "Decode" => vec![1.into(), 0.into()] });
    let contents = doc.add_object(Stream::new(
        dictionary! {},
        b"q 10 0 0 5 0 0 cm /A Do Q".to_vec(),
    ));
    let pages_id = doc.new_object_id();
    let page = doc
        .add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            "MediaBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "A" => plain, "B" => png, "C" => inverted } },
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    let d = Document::load(&bytes, None).expect("load");
    let s = |id: lopdf::ObjectId| d.image_stream(id).expect("image stream");
    let (a, b, c) = (s(plain), s(png), s(inverted));
    assert_eq!((a.predictor, a.decode_identity), (1, true));
    assert_eq!((b.predictor, b.decode_identity), (15, true));
    assert_eq!((c.predictor, c.decode_identity), (1, false));
    assert_eq!(b.filters, vec!["FlateDecode".to_string()]);
}
