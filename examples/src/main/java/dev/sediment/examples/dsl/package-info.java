/** Example: a whole topology on Sediment through {@code dsl.store.suppliers.class}, without code changes. */
package dev.sediment.examples.dsl;
