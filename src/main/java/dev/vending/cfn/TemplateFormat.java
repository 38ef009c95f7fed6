package dev.vending.cfn;

/** Output formats of a template. */
public enum TemplateFormat {
    YAML, JSON;

    public String render(Template template) {
        return this == YAML ? YamlTemplateWriter.write(template.toTree()) : JsonTemplateWriter.write(template.toTree());
    }
}
