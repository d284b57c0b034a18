//! Infrastructure code as it deploys: one reader and partial evaluator per language (ARM
//! templates, Bicep, Terraform), over a shared value type that is either known (with where it
//! came from) or symbolic (a deploy-time expression, never guessed).

pub mod arm;
mod arm_eval;
mod arm_expr;
pub(crate) mod arm_funcs;
pub mod bicep;
mod bicep_expr;
mod bicep_parse;
#[cfg(test)]
mod four_forms_tests;
pub mod terraform;
mod terraform_eval;
#[cfg(test)]
mod terraform_eval_tests;
mod terraform_funcs;
pub mod value;
