//! The `Decimal` scalar: exact amounts (salaries, prices, payments) as strings.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// An exact amount: `rust_decimal` inside, a string such as `"1234.50"` on the wire (a
/// JSON number is accepted on input), so no client ever rounds money through a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub rust_decimal::Decimal);

/// An exact decimal number, written as a string such as "1234.50" (a number is accepted on
/// input): money amounts.
#[Scalar(name = "Decimal")]
impl ScalarType for Money {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = match &value {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        text.parse()
            .map(Money)
            .map_err(|_| InputValueError::custom(format!("{text:?} is not a decimal number")))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl From<rust_decimal::Decimal> for Money {
    fn from(amount: rust_decimal::Decimal) -> Self {
        Money(amount)
    }
}
