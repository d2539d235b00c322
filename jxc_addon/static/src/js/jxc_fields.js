odoo.define('jxc_addon.jxc_fields', function (require) {
"use strict";

var basicFields = require('web.basic_fields');
var core = require('web.core');
var fieldRegistry = require('web.field_registry');

/**
 * A quantity as people write it: 5, 2.5, 1,200 (not 5.000): the field's precision without
 * trailing zeros, as the server's messages show quantities (lib/formatting.py). Parsing, and
 * so what is typed and stored, is the float field's.
 */
var FieldQuantity = basicFields.FieldFloat.extend({
    _formatValue: function () {
        var text = this._super.apply(this, arguments);
        var point = core._t.database.parameters.decimal_point;
        var at = point ? text.lastIndexOf(point) : -1;
        if (at < 0 || !/^[0-9]+$/.test(text.slice(at + point.length))) {
            return text;
        }
        var decimals = text.slice(at + point.length).replace(/0+$/, '');
        return text.slice(0, at) + (decimals ? point + decimals : '');
    },
});

fieldRegistry.add('jxc_quantity', FieldQuantity);

return {
    FieldQuantity: FieldQuantity,
};
});
