//! Infrastructure code as it deploys: one reader and partial evaluator per language (ARM
//! templates, Bicep, Terraform), over a shared value type that is either known (with where it
//! came from) or symbolic (a deploy-time expression, never guessed).

pub mod arm;
pub mod bicep;
mod bicep_parse;
pub mod terraform;
