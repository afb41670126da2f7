/** Interactive queries (IQv2) the examples and end-to-end tests read their stores with. */
package dev.sediment.examples.query;
