// Forms that show the API's typed errors (`errors: [{field, code, message}]`) next to the
// field they name, in Chinese; an error naming no field of the form goes at its top.
import { h, uid, type Child } from "./dom";

export interface FieldError {
  field?: string | null;
  message: string;
}

export interface Field {
  name: string; // the API's field name (camelCase), as errors name it
  label: string;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  hint?: string;
}

/** A labelled control with a place for its error (aria-describedby points at both). */
export function field(name: string, label: string, control: Field["control"], hint?: string): Field {
  return { name, label, control, hint };
}

export function input(attrs: Record<string, string | boolean> = {}): HTMLInputElement {
  return h("input", { type: "text", ...attrs });
}

export function textarea(attrs: Record<string, string | boolean> = {}): HTMLTextAreaElement {
  return h("textarea", { rows: "4", ...attrs });
}

export function select(options: [string, string][], attrs: Record<string, string | boolean> = {}): HTMLSelectElement {
  return h("select", attrs, ...options.map(([value, text]) => h("option", { value }, text)));
}

export interface Form {
  element: HTMLFormElement;
  showErrors(errors: readonly FieldError[]): void;
  clearErrors(): void;
  busy(on: boolean): void;
}

/** A form: its fields, a submit button, and `onSubmit` (which returns the API's errors). */
export function form(opts: {
  title: string;
  fields: Field[];
  submit: string;
  onSubmit: () => Promise<readonly FieldError[]>;
  className?: string;
  extra?: Child;
}): Form {
  const formId = uid("form");
  const general = h("p", { class: "error", role: "alert", id: `${formId}-error` });
  general.hidden = true;
  const errorOf = new Map<string, HTMLElement>();
  const rows = opts.fields.map((f) => {
    const id = f.control.id || uid(`f-${f.name}`);
    f.control.id = id;
    f.control.name = f.name;
    const error = h("p", { class: "field-error", id: `${id}-error`, "data-error-for": f.name, role: "alert" });
    error.hidden = true;
    errorOf.set(f.name, error);
    const described = [f.hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
    f.control.setAttribute("aria-describedby", described);
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, f.label),
      f.control,
      f.hint ? h("p", { class: "hint", id: `${id}-hint` }, f.hint) : null,
      error,
    );
  });
  const button = h("button", { type: "submit" }, opts.submit);
  const element = h(
    "form",
    { class: `card form ${opts.className ?? ""}`, novalidate: true, "aria-labelledby": `${formId}-title` },
    h("h3", { id: `${formId}-title` }, opts.title),
    general,
    ...rows,
    opts.extra ?? null,
    h("div", { class: "actions" }, button),
  );
  const self: Form = {
    element,
    clearErrors() {
      general.hidden = true;
      general.textContent = "";
      for (const [name, el] of errorOf) {
        el.hidden = true;
        el.textContent = "";
        opts.fields.find((f) => f.name === name)?.control.removeAttribute("aria-invalid");
      }
    },
    showErrors(errors) {
      self.clearErrors();
      let focused = false;
      for (const e of errors) {
        const target = e.field ? errorOf.get(e.field) : undefined;
        if (target) {
          target.textContent = e.message;
          target.hidden = false;
          const control = opts.fields.find((f) => f.name === e.field)?.control;
          control?.setAttribute("aria-invalid", "true");
          if (control && !focused) {
            control.focus();
            focused = true;
          }
        } else {
          general.textContent = [general.textContent, e.message].filter(Boolean).join("；");
          general.hidden = false;
        }
      }
    },
    busy(on) {
      button.disabled = on;
      element.setAttribute("aria-busy", String(on));
    },
  };
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    self.busy(true);
    try {
      const errors = await opts.onSubmit();
      if (errors.length) self.showErrors(errors);
      else self.clearErrors();
    } catch (error) {
      self.showErrors([{ message: error instanceof Error ? error.message : String(error) }]);
    } finally {
      self.busy(false);
    }
  });
  return self;
}
