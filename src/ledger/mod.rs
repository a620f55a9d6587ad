pub mod locale;
