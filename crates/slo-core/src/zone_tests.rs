use super::*;
use crate::window::parse_utc;
use proptest::prelude::*;

fn at(text: &str) -> i64 {
    parse_utc(text).unwrap() as i64
}

fn zone(rule: &str) -> Zone {
    Zone::with_rule("test", rule).unwrap()
}

const H: i64 = 3600;

/// Rules as TZif footers write them: northern and southern daylight time, none, half and
/// quarter hours, a change at "26:00", one at "-1:00", and daylight time all year.
const RULES: [&str; 9] = [
    "CET-1CEST,M3.5.0,M10.5.0/3",
    "EST5EDT,M3.2.0,M11.1.0",
    "AEST-10AEDT,M10.1.0,M4.1.0/3",
    "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
    "IST-5:30",
    "<+0545>-5:45",
    "IST-2IDT,M3.4.4/26,M10.5.0",
    "<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
    "EST5EDT,0/0,J365/25",
];

#[test]
fn berlin_changes_at_one_utc_on_the_last_sundays_of_march_and_october() {
    let berlin = zone(RULES[0]);
    // 2024-03-31 and 2024-10-27 are the last Sundays; 02:00 CET and 03:00 CEST are 01:00 UTC.
    assert_eq!(berlin.offset_at(at("2024-03-31T00:59:59Z")), H);
    assert_eq!(berlin.offset_at(at("2024-03-31T01:00Z")), 2 * H);
    assert_eq!(berlin.offset_at(at("2024-10-27T00:59:59Z")), 2 * H);
    assert_eq!(berlin.offset_at(at("2024-10-27T01:00Z")), H);
    assert_eq!(berlin.daylight_shift(), 3600);
}

#[test]
fn new_york_and_sydney_change_on_their_own_days() {
    let new_york = zone(RULES[1]);
    // Second Sunday of March, first of November, 02:00 local: 07:00 and 06:00 UTC.
    assert_eq!(new_york.offset_at(at("2024-03-10T06:59Z")), -5 * H);
    assert_eq!(new_york.offset_at(at("2024-03-10T07:00Z")), -4 * H);
    assert_eq!(new_york.offset_at(at("2024-11-03T05:59Z")), -4 * H);
    assert_eq!(new_york.offset_at(at("2024-11-03T06:00Z")), -5 * H);
    // Sydney: daylight time over the new year, ending 2024-04-07 03:00 AEDT (16:00 UTC the
    // day before), starting 2024-10-06 02:00 AEST (16:00 UTC the day before).
    let sydney = zone(RULES[2]);
    assert_eq!(sydney.offset_at(at("2024-01-01T00:00Z")), 11 * H);
    assert_eq!(sydney.offset_at(at("2024-04-06T15:59Z")), 11 * H);
    assert_eq!(sydney.offset_at(at("2024-04-06T16:00Z")), 10 * H);
    assert_eq!(sydney.offset_at(at("2024-10-05T15:59Z")), 10 * H);
    assert_eq!(sydney.offset_at(at("2024-10-05T16:00Z")), 11 * H);
    assert_eq!(sydney.offset_at(at("2024-12-31T23:00Z")), 11 * H);
}

#[test]
fn odd_rules_read_as_tzif_writes_them() {
    assert_eq!(zone(RULES[3]).daylight_shift(), 1800);
    assert_eq!(zone(RULES[4]).offset_at(0), 5 * H + 1800);
    assert_eq!(zone(RULES[5]).offset_at(0), 5 * H + 2700);
    // Jerusalem: the Thursday of March's fourth week at "26:00", Friday 2024-03-29 02:00 IST.
    let jerusalem = zone(RULES[6]);
    assert_eq!(jerusalem.offset_at(at("2024-03-28T23:59Z")), 2 * H);
    assert_eq!(jerusalem.offset_at(at("2024-03-29T00:00Z")), 3 * H);
    // Nuuk: "-1:00" on the last Sunday of March is Saturday 23:00 at UTC-2, 01:00 UTC.
    let nuuk = zone(RULES[7]);
    assert_eq!(nuuk.offset_at(at("2024-03-31T00:59Z")), -2 * H);
    assert_eq!(nuuk.offset_at(at("2024-03-31T01:00Z")), -H);
    // Daylight time all year: from day 0 at 00:00 to day 365 at 25:00.
    let always = zone(RULES[8]);
    for day in [
        "2024-01-01T00:00Z",
        "2024-07-01T00:00Z",
        "2024-12-31T23:59Z",
    ] {
        assert_eq!(always.offset_at(at(day)), -4 * H, "{day}");
    }
}

#[test]
fn julian_days_skip_february_29_and_ordinal_days_count_it() {
    // J60 is March 1 in every year. Day 0 is January 1, so day 59 is February 29 in 2024
    // and March 1 in 2023.
    let julian = zone("EST5EDT,J60,J300");
    assert_eq!(julian.offset_at(at("2024-03-01T06:59Z")), -5 * H);
    assert_eq!(julian.offset_at(at("2024-03-01T07:00Z")), -4 * H);
    let ordinal = zone("EST5EDT,59,300");
    assert_eq!(ordinal.offset_at(at("2024-02-29T07:00Z")), -4 * H);
    assert_eq!(ordinal.offset_at(at("2023-03-01T07:00Z")), -4 * H);
}

#[test]
fn skipped_times_are_the_skip_and_repeated_times_their_first_showing() {
    let berlin = zone(RULES[0]);
    let local = |text: &str| at(text);
    // 02:30 on 2024-03-31 never shows in Berlin: the clock jumps at 01:00 UTC.
    assert_eq!(
        berlin.to_utc(local("2024-03-31T02:30Z")),
        at("2024-03-31T01:00Z")
    );
    assert_eq!(
        berlin.to_utc(local("2024-03-31T03:00Z")),
        at("2024-03-31T01:00Z")
    );
    // 02:30 on 2024-10-27 shows twice: first in CEST, at 00:30 UTC.
    assert_eq!(
        berlin.to_utc(local("2024-10-27T02:30Z")),
        at("2024-10-27T00:30Z")
    );
    assert_eq!(
        berlin.to_utc(local("2024-01-15T00:00Z")),
        at("2024-01-14T23:00Z")
    );
}

#[test]
fn rules_that_are_not_rules_are_refused_saying_why() {
    for (rule, why) in [
        ("CET-1CEST", "daylight time without the days"),
        ("XX1", "fewer than 3 letters"),
        ("CET", "a number missing"),
        ("CET-1CEST,M13.1.0,M10.5.0", "out of range"),
        ("CET-1CEST,M3.5.0", "“,” before each"),
        ("<+01-1", "without its “>”"),
        ("CET-1:75", "past 59"),
        (
            "CET-1CEST,M3.5.0,M10.5.0/3x",
            "something after the second change",
        ),
    ] {
        let message = Zone::with_rule("x", rule).unwrap_err();
        assert!(message.contains(why), "{rule}: {message}");
        assert!(message.contains(RULE_ALLOWED), "{message}");
    }
}

#[test]
fn names_come_from_the_database_with_their_current_rule() {
    let berlin = Zone::named("Europe/Berlin").unwrap();
    assert_eq!(berlin.rule_text, "CET-1CEST,M3.5.0,M10.5.0/3");
    assert_eq!(Zone::named("europe/berlin").unwrap().name, "Europe/Berlin");
    assert_eq!(Zone::named("UTC").unwrap(), Zone::utc());
    let message = Zone::named("Europe/Berln").unwrap_err();
    assert!(
        message.contains("did you mean “Europe/Berlin”?"),
        "{message}"
    );
    assert!(
        message.contains("allowed: UTC or an IANA name"),
        "{message}"
    );
    // Every name's rule reads.
    for line in TIME_ZONES.lines() {
        let (name, rule) = line.split_once(' ').unwrap();
        assert!(Zone::with_rule(name, rule).is_ok(), "{line}");
    }
    assert!(TIME_ZONES.lines().count() > 500);
}

proptest! {
    #[test]
    fn local_times_map_back_and_keep_their_order(
        rule in 0..RULES.len(),
        utc in 0i64..4_102_444_800,
        later in 0i64..200_000,
    ) {
        let zone = zone(RULES[rule]);
        let local = utc + zone.offset_at(utc);
        let back = zone.to_utc(local);
        // The same wall-clock reading, at its first showing.
        prop_assert!(back <= utc);
        prop_assert_eq!(back + zone.offset_at(back), local);
        prop_assert!(zone.to_utc(local + later) >= back);
    }
}
