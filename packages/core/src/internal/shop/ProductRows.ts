/** How products are read: every column plus what can be bought now (`available`), computed per kind. */
import type { SqlClient } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import { Product } from "../../Shop.js"
import { decodeRows } from "../people/Sql.js"

/** `SELECT` list of a product row aliased `p`. */
export const productColumns = (sql: SqlClient.SqlClient): Fragment =>
  sql.literal(`p.*, (CASE p.kind
      WHEN 'STOCKED' THEN p.stock
      WHEN 'DIGITAL' THEN (SELECT count(*)::int FROM product_items i WHERE i.product_id = p.id AND i.order_id IS NULL)
      ELSE coalesce(p.provider_available, 0) END) AS available`)

export const productRows = decodeRows(Product)

/** A string array as a statement parameter (JSON text unpacked by PostgreSQL: no driver array encoding involved). */
export const textArray = (sql: SqlClient.SqlClient, values: ReadonlyArray<string>): Fragment =>
  sql`ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))::text[]`
