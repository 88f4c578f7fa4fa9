/**
 * zod on fastify: request parts are validated (and coerced) by zod, and route schemas are turned into JSON Schema
 * for the OpenAPI description with z.toJSONSchema.
 */
import type { FastifyInstance, FastifySchemaCompiler, FastifyTypeProvider } from "fastify";
import { z } from "zod";

function isZod(x: unknown): x is z.ZodType {
  return x instanceof z.ZodType;
}

/** Validator compiler: the route's zod schema parses the part; the parsed value replaces it. */
export const zodValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema }) => {
  if (!isZod(schema)) throw new Error("route schemas must be zod schemas");
  return (data: unknown) => {
    const r = schema.safeParse(data);
    return r.success ? { value: r.data } : { error: r.error };
  };
};

/**
 * fastify's type provider for these schemas: a handler's `req.params`, `req.query` and `req.body` have the types the
 * route's zod schemas parse to (zodValidatorCompiler puts the parsed values there), so routes need no casts.
 */
export interface ZodTypeProvider extends FastifyTypeProvider {
  readonly validator: this["schema"] extends z.ZodType ? z.output<this["schema"]> : unknown;
  readonly serializer: this["schema"] extends z.ZodType ? z.input<this["schema"]> : unknown;
}

/** The instance whose routes are typed from their zod schemas. */
export function zodRoutes(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** Serializer: plain JSON (response schemas only document the shape). */
export const jsonSerializerCompiler = () => (data: unknown): string => JSON.stringify(data);

export function toJsonSchema(schema: unknown, io: "input" | "output"): unknown {
  if (!isZod(schema)) return schema;
  const js = z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Record<string, unknown>;
  delete js.$schema;
  return js;
}

/** @fastify/swagger transform: converts every zod schema of a route to JSON Schema. */
export function swaggerTransform({ schema, url }: { schema: unknown; url: string }): { schema: Record<string, unknown>; url: string } {
  if (schema === null || typeof schema !== "object") return { schema: {}, url };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === "response" && value !== null && typeof value === "object") {
      const resp: Record<string, unknown> = {};
      for (const [code, s] of Object.entries(value as Record<string, unknown>)) resp[code] = toJsonSchema(s, "output");
      out[key] = resp;
    } else if (key === "body" || key === "querystring" || key === "params" || key === "headers") {
      out[key] = toJsonSchema(value, "input");
    } else {
      out[key] = value;
    }
  }
  return { schema: out, url };
}
