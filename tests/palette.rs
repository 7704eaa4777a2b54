//! The page's stylesheet takes its accents from the charts' palette: the core's
//! `charts::OKABE_ITO` is the source, and `www/style.css` must name the same colours, so a
//! chart's blue is the blue of the button beside it.

use gradlab::charts::OKABE_ITO;

fn css_colour(css: &str, var: &str) -> String {
    let at = css.find(&format!("{var}:")).unwrap_or_else(|| panic!("{var} in www/style.css"));
    let rest = &css[at + var.len() + 1..];
    rest[..rest.find(';').unwrap()].trim().to_lowercase()
}

#[test]
fn the_stylesheet_accents_are_the_charts_palette() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/style.css")).unwrap();
    // The light theme's (first) declaration of each; the dark theme lightens them on purpose.
    for (var, k) in [("--blue", 0), ("--vermillion", 1), ("--green", 2), ("--orange", 4), ("--sky", 5)] {
        let c = OKABE_ITO[k];
        assert_eq!(css_colour(&css, var), format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2), "{var}");
    }
}
